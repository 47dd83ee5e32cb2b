// createHostAgent: one host's agent. It runs every subscribed IM's initial role in a local loop,
// and when a role needs a partner it advertises (and waits to be invited) or looks up candidates
// and coordinates the interaction (see interaction.ts). It serves /parley/invite/1 and
// /parley/constraint/1 for the interactions others coordinate (see handlers.ts), keeps the lease
// table, estimates the cluster mean (components/cluster-load.ts), and emits events for the daemon
// and the simulator.
import type { Discovery, Json } from '@parley/discovery'
import type { Clock } from '@parley/hypervisor'
import { ConstraintRegistry, PeerRun, copyTerm, termToJson, termToString } from '@parley/lcc'
import type { ConstraintDispatcher, ConstraintFn, Term, Timers } from '@parley/lcc'
import type { Logger } from 'pino'
import { policyComponents } from './components/index.js'
import { ClusterLoad } from './components/cluster-load.js'
import { LoadModel } from './components/load-model.js'
import { PackingExchange } from './components/packing-exchange.js'
import { AlreadySubscribedError, AgentStoppedError, InvalidInitError, codeOf, messageOf } from './errors.js'
import { constraintHandler, inviteHandler } from './handlers.js'
import type { ParticipantHost } from './handlers.js'
import { loadIm } from './im.js'
import type { Interaction, StartParticipant } from './interaction.js'
import { LeaseTable } from './lease.js'
import { resolvePolicy } from './policy.js'
import { CONSTRAINT_PROTOCOL, INVITE_PROTOCOL, validateConstraintRequest, validateInviteRequest } from './protocol.js'
import type { InviteBody } from './protocol.js'
import { Slot } from './slot.js'
import { SlotRunner, initialTerm } from './slot-runner.js'
import type { EventIn, SlotHost } from './slot-runner.js'
import type {
  HostAgentComponents, HostAgentEvent, HostAgentInit, HostAgentListener, HostAgentStatus, PolicyParams, Subscription
} from './types.js'

export interface SubscribeResult { readonly name: string, readonly imHash: string, readonly warnings: readonly string[] }

export interface HostAgent {
  readonly peerId: string
  readonly name: string
  start (): Promise<void>
  /** Aborts the interactions it coordinates (telling participants), withdraws, stops its loops. */
  stop (): Promise<void>
  /** Checks, compiles and runs an IM; throws ImRejectedError (with diagnostics) for a bad one. */
  subscribe (sub: Subscription): Promise<SubscribeResult>
  /** By name or IM hash; false when not subscribed. */
  unsubscribe (nameOrHash: string): Promise<boolean>
  status (): HostAgentStatus
  cordon (): void
  uncordon (): void
  on (listener: HostAgentListener): () => void
}


export function createHostAgent (init: HostAgentInit, components: HostAgentComponents): HostAgent {
  return new Agent(init, components)
}

class Agent implements HostAgent, ParticipantHost, SlotHost {
  readonly peerId: string
  readonly name: string
  readonly self: string
  readonly log: Logger
  readonly leases: LeaseTable
  readonly params: PolicyParams
  readonly coordinating = new Map<string, Interaction>()
  readonly dispatcher: ConstraintDispatcher
  private readonly slots = new Map<string, Slot>()
  private readonly runner: SlotRunner
  private readonly listeners = new Set<HostAgentListener>()
  private readonly registry: ConstraintRegistry
  private readonly model: LoadModel
  private readonly cluster: ClusterLoad
  /** The consolidation's histogram gossip, used while the mean comes without per-host reports. */
  private readonly packing: PackingExchange
  private migrateUri: string
  private running = false
  private stopCtl = new AbortController()
  /** Ends the local loops' pauses: aborted on stop, and aborted and replaced by nudge(). */
  private wakeCtl = new AbortController()
  private background: Array<Promise<void>> = []
  private isCordoned: boolean
  private offHypervisor: (() => void) | null = null
  /** The consolidation powered this (simulated) host off: no sampling, a report that takes nothing. */
  private poweredOff = false

  constructor (private readonly init: HostAgentInit, private readonly c: HostAgentComponents) {
    if (typeof init.name !== 'string' || init.name === '') throw new InvalidInitError('name', 'must be a non-empty string')
    this.params = resolvePolicy(init.policy)
    this.name = init.name
    this.self = this.peerId = c.discovery.peerId
    this.log = c.logger.child({ component: 'agent', host: init.name, peer: this.self })
    this.leases = new LeaseTable(() => c.clock.now())
    this.isCordoned = init.cordoned === true
    this.migrateUri = init.migrateUri ?? ''
    this.cluster = new ClusterLoad(c.discovery, this.log.child({ component: 'load-gossip' }), () => c.clock.now(), {
      estimator: this.params.meanEstimator,
      autoHosts: this.params.meanEstimatorAutoHosts,
      sampleIntervalMs: this.params.sampleIntervalMs,
      cacheMs: this.params.sampleIntervalMs / 2
    })
    this.model = new LoadModel(c.hypervisor, c.clock, this.params, this.cluster, this.log.child({ component: 'load' }), this.isCordoned,
      l => { void this.cluster.publish(this.model.cores(l) / l.capacity.cpus, l.capacity.cpus, l.domains.length, this.isCordoned) })
    this.packing = new PackingExchange(c.discovery, this.log.child({ component: 'packing-gossip' }), c.clock, { intervalMs: this.params.sampleIntervalMs })
    const builtIn = policyComponents({
      model: this.model,
      hypervisor: c.hypervisor,
      clock: c.clock,
      self: () => this.self,
      emit: e => { this.emit(e) },
      arrivalPollMs: Math.max(5, Math.min(100, this.params.pollIntervalMs)),
      arrivalTimeoutMs: this.params.arrivalTimeoutMs,
      params: this.params,
      peers: () => this.cluster.reports(),
      packingGossip: this.packing,
      powerChanged: state => { this.powerChanged(state) },
      advertised: (im, role) => c.discovery.announcements(im, role).filter(a => !a.withdrawn && a.peerId !== this.self).map(a => ({ peer: a.peerId, args: a.args, receivedAt: a.receivedAt }))
    })
    this.registry = new ConstraintRegistry({ ...builtIn, ...(c.constraints ?? {}) })
    this.dispatcher = this.registry.dispatcher()
    this.runner = new SlotRunner(this)
    for (const s of init.subscriptions ?? []) this.addSlot(s)
  }

  get cordoned (): boolean { return this.isCordoned }
  get discovery (): Discovery { return this.c.discovery }
  get clock (): Clock { return this.c.clock }
  get timers (): Timers | undefined { return this.c.timers }
  get stopSignal (): AbortSignal { return this.stopCtl.signal }
  isRunning (): boolean { return this.running }
  get ttlMs (): number { return this.params.leaseTtlMs }

  // ---- public API ------------------------------------------------------------------------

  async start (): Promise<void> {
    if (this.running) return
    if (this.migrateUri === '') this.migrateUri = (await this.c.hypervisor.host()).migrationUri
    this.running = true
    this.stopCtl = new AbortController()
    this.wakeCtl = new AbortController()
    await this.c.discovery.handle(INVITE_PROTOCOL, inviteHandler(this), { validate: validateInviteRequest })
    await this.c.discovery.handle(CONSTRAINT_PROTOCOL, constraintHandler(this), {
      validate: validateConstraintRequest, timeoutMs: this.params.constraintTimeoutMs
    })
    await this.cluster.start()
    await this.packing.start()
    // a VM that arrived is not moved again within the cooldown, even if its interaction aborted
    this.offHypervisor = this.c.hypervisor.on(e => { if (e.type === 'migrated-in') this.model.coolDown(e.domain) })
    this.background = [this.loadLoop(), this.sweepLoop()]
    for (const s of this.slots.values()) {
      s.stopped = false
      s.loop = this.runner.run(s)
    }
    this.log.info({ subscriptions: [...this.slots.values()].map(s => s.im.name), cordoned: this.isCordoned }, 'host agent started')
  }

  async stop (): Promise<void> {
    if (!this.running) return
    this.running = false
    for (const i of this.coordinating.values()) i.requestAbort('RT_STOPPED', 'the host agent is stopping')
    for (const s of this.slots.values()) this.release(s)
    this.stopCtl.abort()
    this.wakeCtl.abort()
    this.offHypervisor?.()
    this.offHypervisor = null
    await Promise.all([...this.slots.values()].map(async s => { await s.loop }))
    await Promise.all(this.background)
    const held = this.leases.held
    if (held !== null) this.leases.release(held.interaction) // its coordinator's next call is refused: RT_NO_LEASE
    await this.c.discovery.unhandle(INVITE_PROTOCOL).catch(() => {})
    await this.c.discovery.unhandle(CONSTRAINT_PROTOCOL).catch(() => {})
    await this.cluster.stop()
    await this.packing.stop()
    this.log.info('host agent stopped')
  }

  async subscribe (sub: Subscription): Promise<SubscribeResult> {
    const slot = this.addSlot(sub)
    if (this.running) slot.loop = this.runner.run(slot)
    return { name: slot.im.name, imHash: slot.im.hash, warnings: slot.im.warnings.map(d => `${d.code} ${d.span.start.line}:${d.span.start.column} ${d.message}`) }
  }

  async unsubscribe (nameOrHash: string): Promise<boolean> {
    const slot = this.slots.get(nameOrHash) ?? [...this.slots.values()].find(s => s.im.name === nameOrHash)
    if (slot === undefined) return false
    this.release(slot)
    await slot.loop
    await this.runner.withdraw(slot)
    this.slots.delete(slot.im.hash)
    this.cluster.removeIm(slot.im.hash)
    return true
  }

  status (): HostAgentStatus {
    const l = this.leases.held
    return {
      peerId: this.self,
      name: this.name,
      running: this.running,
      cordoned: this.isCordoned,
      subscriptions: [...this.slots.values()].map(s => ({ name: s.im.name, imHash: s.im.hash, role: termToString(s.peer.roleTerm), phase: s.phase, interaction: s.interaction })),
      lease: l === null ? null : { interaction: l.interaction, coordinator: l.coordinator, imHash: l.imHash, expiresInMs: this.leases.remainingMs() },
      coordinating: [...this.coordinating.values()].map(i => ({ id: i.id, imHash: i.ctx.im, coordinator: this.self, participants: i.participants, startedAt: i.startedAt })),
      load: this.model.status()
    }
  }

  cordon (): void { this.setCordon(true) }
  uncordon (): void { this.setCordon(false) }

  on (listener: HostAgentListener): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  // ---- ParticipantHost -------------------------------------------------------------------

  slot (imHash: string): Slot | undefined { return this.slots.get(imHash) }
  slotOf (interaction: string): Slot | undefined { return [...this.slots.values()].find(s => s.interaction === interaction) }
  constraint (key: string): ConstraintFn | undefined { return this.registry.get(key) }

  argsFor (role: Term): Json {
    const c = this.model.current
    return { role: termToJson(role), capacity: c.capacity, headroom: c.headroom, shortfall: c.shortfall, load: c.load, migrateUri: this.migrateUri, host: this.name }
  }

  skipCandidate (peer: string, args: Json | undefined): boolean {
    return this.model.skipCandidate(peer, args)
  }

  accepted (slot: Slot, body: InviteBody, fromRole: Term): void {
    slot.phase = 'interacting'
    slot.interaction = body.interaction
    slot.hold?.abort()
    void this.runner.withdraw(slot)
    this.emit({ type: 'joined', interaction: body.interaction, imHash: slot.im.hash, coordinator: body.coordinator })
    if (body.coordinator !== this.self) return
    // the election made this host the coordinator: run the interaction from both starting roles
    const start: StartParticipant[] = [
      { id: body.from, role: fromRole, args: body.fromArgs, remote: true },
      { id: this.self, role: copyTerm(slot.peer.roleTerm), args: this.argsFor(slot.peer.roleTerm), remote: false }
    ]
    void Promise.resolve().then(async () => {
      const r = await this.runner.coordinate(slot, body.interaction, start)
      this.finish(slot, body.interaction, r.role, r.outcome === 'ended' ? 'ended' : 'aborted')
    })
  }

  finish (slot: Slot, interaction: string, role: Term, outcome: 'ended' | 'aborted' | 'expired', reason?: string): void {
    if (slot.interaction !== interaction) return
    this.leases.release(interaction)
    slot.interaction = null
    if (outcome !== 'ended') {
      this.log.warn({ interaction, outcome, reason, im: slot.im.hash.slice(0, 12) }, 'left an aborted interaction; resuming the initial role')
    }
    this.emit({ type: 'left', interaction, imHash: slot.im.hash, outcome, role: termToString(role) })
    slot.wait?.resolve(role)
  }

  // ---- slots -----------------------------------------------------------------------------

  private addSlot (sub: Subscription): Slot {
    const im = loadIm(sub.name, sub.text, this.registry.keys())
    if (this.slots.has(im.hash)) throw new AlreadySubscribedError(`${im.name} (${im.hash.slice(0, 12)})`)
    if ([...this.slots.values()].some(s => s.im.name === im.name)) throw new AlreadySubscribedError(im.name)
    // the local loop's constraint calls see which IM they run for (no interaction: contextOf is null)
    const peer = new PeerRun(im.program, { id: this.self, role: im.initialRole, context: { im: im.hash } }, {
      dispatch: this.registry.dispatcher(),
      resolve: () => null,
      send: () => { throw new AgentStoppedError() },
      onEvent: e => { if (e.type === 'role' && e.from !== '') this.emit({ type: 'role', imHash: im.hash, from: e.from, to: termToString(e.roleTerm) }) },
      constraintTimeoutMs: this.params.constraintTimeoutMs,
      timers: this.c.timers
    })
    const slot = new Slot(im, peer, sub.election ?? im.election ?? this.init.election ?? 'initiator')
    this.slots.set(im.hash, slot)
    this.cluster.addIm(im.hash)
    this.c.discovery.follow(im.hash)
    this.log.info({ im: im.name, imHash: im.hash, initial: im.initialRole, election: slot.election, roles: Object.fromEntries([...im.roles].map(([r, p]) => [r, p.kind])) }, 'subscribed')
    return slot
  }

  private release (slot: Slot): void {
    slot.stopped = true
    slot.hold?.abort()
    slot.wait?.resolve(initialTerm(slot.im))
  }

  // ---- background loops ------------------------------------------------------------------

  private async loadLoop (): Promise<void> {
    while (this.running) {
      if (!this.poweredOff) {
        try { await this.model.refresh() } catch (err) { this.log.warn({ code: codeOf(err), err: messageOf(err) }, 'load sample failed') }
      }
      if (!await this.sleep(this.params.sampleIntervalMs)) return
    }
  }

  /** Collects an expired lease: the participant resumes its initial role (or the coordinator aborts). */
  private async sweepLoop (): Promise<void> {
    const every = Math.max(5, Math.min(500, Math.floor(this.params.leaseTtlMs / 10)))
    while (this.running) {
      if (!await this.sleep(every)) return
      try { this.sweep() } catch (err) { this.log.error({ code: codeOf(err), err: messageOf(err) }, 'lease sweep failed') }
    }
  }

  private sweep (): void {
    const held = this.leases.held
    // a lease this host coordinates is alive as long as its coordinator runs here
    if (held !== null && held.coordinator === this.self && this.coordinating.has(held.interaction)) { this.leases.extend(held.interaction); return }
    const l = this.leases.expire()
    if (l === null) return
    this.emit({ type: 'interaction-aborted', interaction: l.interaction, imHash: l.imHash, code: 'RT_LEASE_EXPIRED', reason: `coordinator ${l.coordinator} stopped renewing` })
    const slot = this.slotOf(l.interaction)
    if (slot !== undefined) this.finish(slot, l.interaction, initialTerm(slot.im), 'expired', `coordinator ${l.coordinator} stopped renewing the lease`)
  }

  async sleep (ms: number): Promise<boolean> {
    if (!this.running) return false
    try { await this.c.clock.sleep(ms, this.wakeCtl.signal) } catch { /* stopping, or nudged */ }
    return this.running
  }

  /** The host's situation changed (cordon): every local loop looks again now, not after its pause. */
  private nudge (): void {
    this.wakeCtl.abort()
    this.wakeCtl = new AbortController()
  }

  /**
   * A powered-off host's daemon would be gone and its reports would expire; in the simulator its
   * agent lives on, so it stops sampling and reports itself as taking nothing (cordoned, no load):
   * out of the mean's divisor, of the keepers and of the reserve. Powered on, it samples again.
   */
  private powerChanged (state: 'on' | 'off'): void {
    const off = state === 'off'
    if (this.poweredOff === off) return
    this.poweredOff = off
    this.log.info({ power: state }, off ? 'host powered off' : 'host powered on')
    if (off) void this.cluster.publish(0, this.model.cpus(), 0, true)
  }

  private setCordon (on: boolean): void {
    if (this.isCordoned === on) return
    this.isCordoned = on
    this.model.cordoned = on
    this.model.resetHysteresis()
    if (on) for (const s of this.slots.values()) if (s.phase === 'advertising') { s.phase = 'local'; s.wait?.resolve(initialTerm(s.im)) }
    // a drain starts offloading now, not after the idle role's pause and a sample it may reuse
    this.model.invalidate()
    this.nudge()
    this.log.info({ cordoned: on }, on ? 'cordoned' : 'uncordoned')
    this.emit({ type: 'cordon', cordoned: on })
  }

  emit (e: EventIn): void {
    const full = { ...e, at: this.c.clock.now(), host: this.self } as HostAgentEvent
    for (const l of this.listeners) {
      try { l(full) } catch (err) { this.log.error({ err: messageOf(err) }, 'event listener threw') }
    }
  }
}
