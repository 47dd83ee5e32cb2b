// One class per failure of the host agent. `code` is stable: it crosses the wire in coded error
// answers (/parley/invite/1, /parley/constraint/1), appears in logs and in the daemon's control API.
import type { Diagnostic } from '@parley/lcc'

export abstract class RuntimeError extends Error {
  abstract readonly code: string
  readonly hint: string | undefined
  constructor (message: string, hint?: string, options?: ErrorOptions) {
    super(message, options)
    this.hint = hint
  }
}

/** The IM text has errors (parse or check); the agent refuses to subscribe to it. */
export class ImRejectedError extends RuntimeError {
  readonly code = 'RT_IM_REJECTED'
  override name = 'ImRejectedError'
  constructor (readonly imName: string, readonly diagnostics: readonly Diagnostic[]) {
    const first = diagnostics[0]
    const where = first === undefined ? '' : ` (first: ${first.code} at ${first.span.start.line}:${first.span.start.column} ${first.message})`
    super(`interaction model ${imName} has ${diagnostics.length} error(s)${where}`, first?.hint ?? 'run `parley im check` on the file and fix the errors')
  }
}

/** The IM has no role declared `initial`, so the host has nothing to run alone. */
export class NoInitialRoleError extends RuntimeError {
  readonly code = 'RT_NO_INITIAL_ROLE'
  override name = 'NoInitialRoleError'
  constructor (imName: string) {
    super(`interaction model ${imName} declares no initial role`, 'declare one with r(<role>, initial)')
  }
}

export class AlreadySubscribedError extends RuntimeError {
  readonly code = 'RT_ALREADY_SUBSCRIBED'
  override name = 'AlreadySubscribedError'
  constructor (what: string) {
    super(`already subscribed to ${what}`, 'unsubscribe first, or subscribe under another name')
  }
}

export class NotSubscribedError extends RuntimeError {
  readonly code = 'RT_NOT_SUBSCRIBED'
  override name = 'NotSubscribedError'
  constructor (what: string) {
    super(`this host is not subscribed to interaction model ${what}`, 'the inviting host follows an IM this host does not run')
  }
}

/** An invitation for a role this host does not play now (it moved on, or never advertised it). */
export class NotInRoleError extends RuntimeError {
  readonly code = 'RT_NOT_IN_ROLE'
  override name = 'NotInRoleError'
  constructor (role: string, current: string) {
    super(`this host does not play ${role} now (it plays ${current})`, 'the announcement was stale; try the next candidate')
  }
}

/** The host already holds a lease in another interaction (DVMS-style reservation). */
export class AlreadyLeasedError extends RuntimeError {
  readonly code = 'RT_LEASED'
  override name = 'AlreadyLeasedError'
  constructor (interaction: string) {
    super(`this host is reserved by interaction ${interaction}`, 'a host takes part in one negotiation at a time; try the next candidate')
  }
}

export class CordonedError extends RuntimeError {
  readonly code = 'RT_CORDONED'
  override name = 'CordonedError'
  constructor () {
    super('this host is cordoned and accepts no load', 'uncordon the host to let it take part again')
  }
}

/** A request names an interaction this host holds no (unexpired) lease for. */
export class NoLeaseError extends RuntimeError {
  readonly code = 'RT_NO_LEASE'
  override name = 'NoLeaseError'
  constructor (interaction: string) {
    super(`no lease for interaction ${interaction} (expired, aborted or never granted)`, 'the coordinator must renew leases within their TTL')
  }
}

/** A constraint call addressed to another participant than this host. */
export class WrongParticipantError extends RuntimeError {
  readonly code = 'RT_WRONG_PARTICIPANT'
  override name = 'WrongParticipantError'
  constructor (peer: string, self: string) {
    super(`constraint call for participant ${peer} reached ${self}`, 'a coordinator calls each participant only for its own constraints')
  }
}

export class UnknownConstraintError extends RuntimeError {
  readonly code = 'RT_UNKNOWN_CONSTRAINT'
  override name = 'UnknownConstraintError'
  constructor (key: string) {
    super(`this host provides no constraint ${key}`, 'install the component that provides it, or check the IM')
  }
}

/** A term in a peer message does not decode (lcc's JSON term codec refused it). */
export class BadTermError extends RuntimeError {
  readonly code = 'RT_BAD_TERM'
  override name = 'BadTermError'
  constructor (where: string, detail: string) {
    super(`bad term in ${where}: ${detail}`, 'terms cross the wire in lcc\'s JSON encoding (termToJson)')
  }
}

/** migration/2 found no VM that fits the partner: the interaction cannot succeed. */
export class NothingToMoveError extends RuntimeError {
  readonly code = 'RT_NOTHING_TO_MOVE'
  override name = 'NothingToMoveError'
  constructor (need: number, capacity: number) {
    super(`no VM fits: need ${need} cores shed, the partner takes ${capacity}`, 'the hosts try other partners; VM sizes coarser than the band can leave a host outside it')
  }
}

/** A peer message that passed the schema but makes no sense (e.g. names a third host coordinator). */
export class BadMessageError extends RuntimeError {
  readonly code = 'RT_BAD_MESSAGE'
  override name = 'BadMessageError'
  constructor (where: string, detail: string) {
    super(`bad message field ${where}: ${detail}`, 'the peer runs an incompatible or misbehaving Parley')
  }
}

/** A constraint component threw: the call is answered with this code instead of a crash. */
export class ConstraintFailedError extends RuntimeError {
  readonly code = 'RT_CONSTRAINT_FAILED'
  override name = 'ConstraintFailedError'
  constructor (key: string, detail: string, options?: ErrorOptions) {
    super(`constraint ${key} failed: ${detail}`, 'see the participant\'s log for the component error', options)
  }
}

/** A peer answered with a body that does not match the protocol. */
export class BadReplyError extends RuntimeError {
  readonly code = 'RT_BAD_REPLY'
  override name = 'BadReplyError'
  constructor (peer: string, protocol: string, detail: string) {
    super(`bad reply from ${peer} on ${protocol}: ${detail}`, 'the peers run incompatible versions of Parley')
  }
}

export class InvalidInitError extends RuntimeError {
  readonly code = 'RT_BAD_CONFIG'
  override name = 'InvalidInitError'
  constructor (field: string, detail: string) {
    super(`invalid agent option ${field}: ${detail}`, 'fix the host agent configuration')
  }
}

export class AgentStoppedError extends RuntimeError {
  readonly code = 'RT_STOPPED'
  override name = 'AgentStoppedError'
  constructor () {
    super('the host agent is stopped')
  }
}

/** Why an interaction was aborted, as a coded value for events and logs. */
export type AbortCode =
  | 'RT_TIMEOUT' | 'RT_STALLED' | 'RT_LEASE_EXPIRED' | 'RT_PARTICIPANT_LOST' | 'RT_PARTICIPANT_FAILED'
  | 'RT_NO_PARTNER' | 'RT_ABORTED_BY_COORDINATOR' | 'RT_STOPPED'

/** The code of anything thrown (ours, the discovery layer's, a remote handler's). */
export function codeOf (err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const e = err as { remoteCode?: unknown, code?: unknown }
    if (typeof e.remoteCode === 'string') return e.remoteCode
    if (typeof e.code === 'string') return e.code
  }
  return 'RT_INTERNAL'
}

/** The error's message, with its cause's when it has one (e.g. the transport error under DISC_*). */
export function messageOf (err: unknown): string {
  if (!(err instanceof Error)) return String(err)
  const cause = err.cause instanceof Error ? `: ${err.cause.name} ${err.cause.message}` : ''
  return `${err.message}${cause}`
}
