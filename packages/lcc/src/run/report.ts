// What a run of the Scheduler ended with: per-peer state and the problems, as coded errors.
import { PeerBlockedError, StepBudgetError } from '../errors.js'
import type { LccError } from '../errors.js'
import { termToString } from '../terms/print.js'
import type { PeerRun } from './peer.js'
import type { BlockedStep, PeerId, PeerStatus } from './types.js'

export type RunStatus =
  /** nothing can fire any more (every peer is blocked, finished or failed) */
  | 'quiescent'
  /** the step budget ran out first */
  | 'budget'
  /** the caller's `until` condition became true */
  | 'until'

export interface PeerSummary {
  readonly id: PeerId
  readonly role: string
  /** The role term with its arguments, printed, e.g. `underloaded(4)`. */
  readonly roleTerm: string
  readonly status: PeerStatus
  readonly steps: number
  readonly blocked: readonly BlockedStep[] | null
  readonly error: LccError | null
}

export interface RunReport {
  readonly status: RunStatus
  /** Steps fired in this run. */
  readonly steps: number
  readonly peers: readonly PeerSummary[]
  /** Failed peers' errors; at quiescence, a PeerBlockedError per blocked peer; at budget, a StepBudgetError. */
  readonly problems: readonly LccError[]
}

export function summarise (p: PeerRun): PeerSummary {
  return { id: p.id, role: p.roleName, roleTerm: termToString(p.roleTerm), status: p.status, steps: p.steps, blocked: p.blocked, error: p.error }
}

function describe (b: BlockedStep): string {
  switch (b.kind) {
    case 'send': return `a send to ${b.partnerRole ?? '?'}`
    case 'receive': return `a receive from ${b.partnerRole ?? '?'}`
    case 'null': return 'a null step'
    case 'change': return 'a role change'
  }
}

function reasonText (b: BlockedStep): string {
  switch (b.reason) {
    case 'message': return `no matching message from ${b.partnerRole ?? 'a peer'} arrived`
    case 'constraint': return 'its constraint does not hold'
    case 'no-peer': return `no peer plays ${b.partnerRole ?? 'the role'}`
  }
}

export function buildReport (status: RunStatus, steps: number, peers: readonly PeerRun[], budget: number): RunReport {
  const problems: LccError[] = []
  for (const p of peers) {
    if (p.error !== null) problems.push(p.error)
    else if (status === 'quiescent' && p.status === 'blocked' && p.blocked !== null && p.blocked.length > 0) {
      const b = p.blocked[0] as BlockedStep
      problems.push(new PeerBlockedError(p.id, p.roleName, describe(b), reasonText(b), b.at ?? b.span))
    }
  }
  if (status === 'budget') problems.push(new StepBudgetError(budget))
  return { status, steps, peers: peers.map(summarise), problems }
}
