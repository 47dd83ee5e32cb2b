// The coordinator of one interaction: it executes the IM for ALL participants in one lcc Scheduler,
// recruits partners through discovery and /parley/invite/1 as sends need them, calls a remote
// participant over /parley/constraint/1 only for that participant's own constraints, renews the
// participants' leases, and ends the interaction when every participant is back in a local role
// (each is told the role term to resume from) or aborts it (timeout, stall, a lost or failed
// participant, no partner): then every participant returns to its initial role.
import { randomUUID } from 'node:crypto'
import type { Clock } from '@parley/hypervisor'
import type { Candidate, Discovery, Json } from '@parley/discovery'
import { Scheduler, copyTerm, termFromJson, termToJson, termToString } from '@parley/lcc'
import type { ConstraintDispatcher, PeerId, ResolveQuery, RunEvent, Term, Timers } from '@parley/lcc'
import type { Logger } from 'pino'
import type { ConstraintContext } from './components/context.js'
import { electCoordinator } from './election.js'
import { BadReplyError, codeOf, messageOf } from './errors.js'
import type { AbortCode } from './errors.js'
import type { LoadedIm } from './im.js'
import { byCapacity, roleNameOf } from './candidates.js'
import { INVITE_PROTOCOL, validateInviteAccepted } from './protocol.js'
import type { InviteBody } from './protocol.js'
import { RemoteLinks } from './remote.js'
import type { ElectionRule, HostAgentEvent, PolicyParams } from './types.js'

type Emit = (e: HostAgentEvent extends infer T ? T extends unknown ? Omit<T, 'at' | 'host'> : never : never) => void

export interface InteractionDeps {
  readonly self: string
  readonly im: LoadedIm
  readonly discovery: Discovery
  readonly clock: Clock
  readonly timers?: Timers | undefined
  readonly params: PolicyParams
  readonly log: Logger
  readonly election: ElectionRule
  /** This host's own constraints (the context carries the interaction). */
  readonly dispatch: ConstraintDispatcher
  /** What this host advertises about itself for a role term (migrate URI, capacity...). */
  readonly argsFor: (role: Term) => Json
  readonly emit: Emit
  /** Renews this host's own lease; false when it is gone. */
  readonly renewOwn: (interaction: string) => boolean
  /** Gives this host's own lease to the elected coordinator (before inviting that candidate). */
  readonly handOver: (interaction: string, coordinator: string) => void
  /** A candidate not worth inviting now (no VM fitted its advertised figures last time). */
  readonly skipCandidate: (peer: string, args: Json | undefined) => boolean
  /** The agent is stopping: abort. */
  readonly stopping: () => boolean
}

export interface StartParticipant { readonly id: string, readonly role: Term, readonly args: Json, readonly remote: boolean }

export type InteractionResult =
  | { readonly outcome: 'ended', readonly selfRole: Term }
  | { readonly outcome: 'aborted', readonly selfRole: Term, readonly code: AbortCode, readonly reason: string }
  /** the initiator invited a candidate that the election made coordinator: wait as a participant */
  | { readonly outcome: 'handed-over', readonly coordinator: string }

interface Member { role: Json, args: Json, remote: boolean, left: boolean, final: Term | null }

export function newInteractionId (self: string): string {
  return `${self.slice(-6)}-${randomUUID()}`
}

export class Interaction {
  readonly startedAt: number
  readonly members = new Map<string, Member>()
  readonly ctx: ConstraintContext
  private readonly scheduler: Scheduler
  private readonly log: Logger
  private readonly exhausted = new Set<string>()
  private readonly unresolved = new Set<string>()
  private abortWith: { code: AbortCode, reason: string } | null = null
  private handedOverTo: string | null = null
  private started = false
  private readonly halt = new AbortController()
  private readonly links: RemoteLinks
  private readonly pendingEnds: Array<Promise<void>> = []
  private readonly joinedAt = new Map<string, number>()

  constructor (readonly id: string, private readonly deps: InteractionDeps, start: readonly StartParticipant[]) {
    this.startedAt = deps.clock.now()
    this.log = deps.log.child({ component: 'coordinator', interaction: id, im: deps.im.hash.slice(0, 12) })
    this.ctx = { interaction: id, im: deps.im.hash, coordinator: deps.self, participants: {}, notes: {}, signal: this.halt.signal }
    this.links = new RemoteLinks({ discovery: deps.discovery, clock: deps.clock, params: deps.params, log: this.log, ctx: this.ctx, signal: this.halt.signal })
    this.scheduler = new Scheduler(deps.im.program, {
      resolver: async q => await this.resolve(q),
      onEvent: e => { this.onEvent(e) },
      constraintTimeoutMs: deps.params.constraintTimeoutMs,
      ...(deps.timers === undefined ? {} : { timers: deps.timers })
    })
    for (const p of start) {
      this.join(p.id, p.role, p.args, p.remote)
      // a send to an unbound partner first binds a starting participant playing that role
      this.unresolved.add(p.id)
    }
    if (start.length > 1) this.markStarted()
  }

  get participants (): string[] { return [...this.members.keys()] }

  /** Asks the run loop to abort (the agent is stopping, or a lease was lost). */
  requestAbort (code: AbortCode, reason: string): void {
    this.abortWith ??= { code, reason }
    this.halt.abort()
  }

  async run (): Promise<InteractionResult> {
    const p = this.deps.params
    const deadline = this.startedAt + p.interactionTimeoutMs
    let lastProgress = this.deps.clock.now()
    const ticker = this.links.renewLoop(
      () => [...this.members].filter(([, m]) => m.remote && !m.left).map(([id]) => [id, this.joinedAt.get(id) ?? this.deps.clock.now()]),
      () => this.deps.renewOwn(this.id),
      (code, reason) => { this.requestAbort(code, reason) })
    try {
      for (;;) {
        const rep = await this.scheduler.run({ maxSteps: 10_000, until: () => this.abortWith !== null || this.handedOverTo !== null })
        const now = this.deps.clock.now()
        if (rep.steps > 0) lastProgress = now
        if (this.deps.stopping()) this.requestAbort('RT_STOPPED', 'the host agent is stopping')
        if (this.handedOverTo !== null) return { outcome: 'handed-over', coordinator: this.handedOverTo }
        if (this.abortWith !== null) break
        if (this.scheduler.peers.length === 0) return await this.end()
        if (this.members.size === 1 && this.exhausted.size > 0) this.requestAbort('RT_NO_PARTNER', 'no candidate accepted the invitation')
        else if (now >= deadline) this.requestAbort('RT_TIMEOUT', `the interaction ran longer than ${p.interactionTimeoutMs} ms`)
        else if (now - lastProgress >= p.stallTimeoutMs) this.requestAbort('RT_STALLED', `no step fired for ${p.stallTimeoutMs} ms`)
        if (this.abortWith !== null) break
        try { await this.deps.clock.sleep(p.pollIntervalMs, this.halt.signal) } catch { /* aborted: loop to notice */ }
      }
      return await this.abort()
    } finally {
      this.halt.abort()
      await ticker
    }
  }

  // ---- members ---------------------------------------------------------------------------

  private join (id: string, role: Term, args: Json, remote: boolean): void {
    this.members.set(id, { role: termToJson(role), args, remote, left: false, final: null })
    this.joinedAt.set(id, this.deps.clock.now())
    this.ctx.participants[id] = { role: termToJson(role), args }
    this.scheduler.addPeer({ id, role, context: this.ctx, constraints: remote ? this.links.dispatcher(id) : this.deps.dispatch })
  }

  private markStarted (): void {
    if (this.started) return
    this.started = true
    this.deps.emit({ type: 'interaction-started', interaction: this.id, imHash: this.deps.im.hash, coordinator: this.deps.self })
    this.log.info({ participants: this.participants }, 'interaction started')
  }

  private onEvent (e: RunEvent): void {
    // role events of this host are emitted when its own loop resumes (no duplicates)
    if (e.type === 'role' && e.from !== '') {
      if (this.deps.im.program.clause(e.to)?.local === true) this.leave(e.peer, copyTerm(e.roleTerm))
    } else if (e.type === 'finished') {
      this.leave(e.peer, termFromJson({ a: this.deps.im.initialRole }))
    } else if (e.type === 'failed') {
      this.requestAbort('RT_PARTICIPANT_FAILED', `${e.peer} failed in ${e.role}: ${e.error.code} ${e.error.message}`)
    }
  }

  /** A participant is back in a local role: it leaves, and resumes its own loop from there. */
  private leave (id: string, role: Term): void {
    const m = this.members.get(id)
    if (m === undefined || m.left) return
    m.left = true
    m.final = role
    this.scheduler.removePeer(id)
    this.log.debug({ peer: id, role: termToString(role) }, 'participant back in a local role')
    if (m.remote) this.pendingEnds.push(this.links.tell(id, { type: 'end', interaction: this.id, role: termToJson(role) }))
  }

  private async end (): Promise<InteractionResult> {
    await Promise.all(this.pendingEnds)
    this.deps.emit({ type: 'interaction-ended', interaction: this.id, imHash: this.deps.im.hash, participants: this.participants })
    this.log.info({ participants: this.participants, notes: this.ctx.notes }, 'interaction ended')
    return { outcome: 'ended', selfRole: this.members.get(this.deps.self)?.final ?? termFromJson({ a: this.deps.im.initialRole }) }
  }

  private async abort (): Promise<InteractionResult> {
    const { code, reason } = this.abortWith as { code: AbortCode, reason: string }
    for (const [id, m] of this.members) {
      if (!m.left && m.remote) this.pendingEnds.push(this.links.tell(id, { type: 'abort', interaction: this.id, reason: `${code}: ${reason}` }))
    }
    await Promise.all(this.pendingEnds)
    if (this.started || code !== 'RT_NO_PARTNER') this.log.warn({ code, reason, participants: this.participants }, 'interaction aborted')
    this.deps.emit({ type: 'interaction-aborted', interaction: this.id, imHash: this.deps.im.hash, code, reason })
    const self = this.members.get(this.deps.self)
    const selfRole = self?.left === true && self.final !== null ? self.final : termFromJson({ a: this.deps.im.initialRole })
    return { outcome: 'aborted', selfRole, code, reason }
  }

  // ---- recruiting -----------------------------------------------------------------------

  private async resolve (q: ResolveQuery): Promise<PeerId | null> {
    for (const id of this.unresolved) {
      const m = this.members.get(id)
      if (m !== undefined && id !== q.peer && !m.left && roleNameOf(m.role) === q.toRole) { this.unresolved.delete(id); return id }
    }
    if (this.abortWith !== null || this.exhausted.has(q.toRole)) return null
    return await this.recruit(q)
  }

  private async recruit (q: ResolveQuery): Promise<PeerId | null> {
    const d = this.deps
    let candidates: Candidate[]
    try {
      // fresh gossip first (args known, ranked); the DHT's provider records only when gossip has none
      const opts = { limit: d.params.maxCandidates, rank: byCapacity, timeoutMs: Math.max(1000, d.params.leaseTtlMs) }
      candidates = await d.discovery.findCandidates(d.im.hash, q.toRole, { ...opts, gossipOnly: true })
      if (candidates.length === 0) candidates = await d.discovery.findCandidates(d.im.hash, q.toRole, opts)
    } catch (err) {
      this.log.debug({ role: q.toRole, code: codeOf(err) }, 'candidate lookup failed')
      candidates = []
    }
    const initiator = this.members.get(q.peer)
    for (const c of candidates) {
      if (this.members.has(c.peerId) || c.peerId === d.self || this.abortWith !== null || d.skipCandidate(c.peerId, c.args)) continue
      const coordinator = electCoordinator(d.election, q.peer, c.peerId)
      const body: InviteBody = {
        type: 'invite', interaction: this.id, im: d.im.hash, role: q.toRole, from: q.peer, coordinator,
        fromRole: initiator?.role ?? null, ttlMs: d.params.leaseTtlMs, fromArgs: initiator?.args ?? null
      }
      if (coordinator !== d.self) d.handOver(this.id, coordinator)
      try {
        const ok = await d.discovery.request(c.peerId, INVITE_PROTOCOL, body as unknown as Json, { timeoutMs: d.params.leaseTtlMs, validate: validateInviteAccepted })
        if (coordinator !== d.self) {
          this.handedOverTo = coordinator
          this.log.info({ candidate: c.peerId, coordinator }, 'invitation accepted; the election hands coordination over')
          return null
        }
        let role: Term
        try { role = termFromJson(ok.role) } catch (err) { throw new BadReplyError(c.peerId, INVITE_PROTOCOL, messageOf(err)) }
        this.join(c.peerId, role, ok.args, true)
        this.markStarted()
        this.log.info({ candidate: c.peerId, role: termToString(role) }, 'invitation accepted')
        return c.peerId
      } catch (err) {
        if (coordinator !== d.self) d.handOver(this.id, d.self)
        this.log.debug({ candidate: c.peerId, code: codeOf(err), err: messageOf(err) }, 'invitation refused')
      }
    }
    this.exhausted.add(q.toRole)
    return null
  }

  // ---- remote constraints and leases -----------------------------------------------------
}
