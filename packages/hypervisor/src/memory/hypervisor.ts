import type { Logger } from 'pino'
import type { Clock } from '../clock.js'
import type { HypervisorComponents } from '../components.js'
import {
  DomainExistsError, DomainNotFoundError, HostBusyError, HostPoweredOffError, HypervisorUnavailableError, InsufficientMemoryError,
  InvalidSpecError, InvalidStateError, PeerUnreachableError
} from '../errors.js'
import { EventHub } from '../events.js'
import type {
  DomainInfo, DomainSpec, HostInfo, HostSample, Hypervisor, HypervisorEvent, HypervisorEventType,
  HypervisorListener, MigrateOptions, MigrationResult, NodeCapacity, PowerState
} from '../hypervisor.js'
import { validateSpec } from '../spec.js'
import { accrueCpu, toInfo, uuidFrom, type MemoryDomain } from './domain.js'
import type { DomainHolding, IncomingDomain, MemoryFabric, MemoryPeer } from './fabric.js'
import { runMemoryMigration } from './migration.js'

export interface MemoryHypervisorInit {
  /** Host id and hostname. */
  id: string
  fabric: MemoryFabric
  cpus: number
  memoryMiB: number
  /** Default `memory://<id>`. */
  migrationUri?: string
  /** Outgoing migration rate when the caller sets none. Default 1024 MiB/s (10 GbE-ish). */
  bandwidthMiBs?: number
  /** Close the fabric with this host (a fabric made for this one host, e.g. parleyd's TCP one). */
  ownsFabric?: boolean
}

/** A fault to inject; one-shot. */
export type MemoryFault = { kind: 'die-mid-migration', atFraction: number }

/**
 * A simulated host. Everything happens on the injected clock; nothing here starts a real timer
 * unless that clock is real.
 */
export class MemoryHypervisor implements Hypervisor, MemoryPeer {
  readonly backend = 'memory' as const
  readonly migrationUri: string
  readonly bandwidthMiBs: number
  private readonly domains = new Map<string, MemoryDomain>()
  private readonly log: Logger
  private readonly clock: Clock
  private readonly hub: EventHub
  private lastAccrualMs: number
  private power: PowerState = 'on'
  private reachable = true
  private fault: MemoryFault | undefined
  private closed = false

  constructor (private readonly init: MemoryHypervisorInit, components: HypervisorComponents) {
    if (!Number.isInteger(init.cpus) || init.cpus < 1) throw new InvalidSpecError('cpus', 'of a memory host must be an integer >= 1')
    if (!Number.isInteger(init.memoryMiB) || init.memoryMiB < 1) throw new InvalidSpecError('memoryMiB', 'of a memory host must be an integer >= 1')
    this.migrationUri = init.migrationUri ?? `memory://${init.id}`
    this.bandwidthMiBs = init.bandwidthMiBs ?? 1024
    this.clock = components.clock
    this.log = components.logger.child({ component: 'hypervisor', backend: 'memory', host: init.id })
    this.hub = new EventHub(err => { this.log.error({ err }, 'event listener threw') })
    this.lastAccrualMs = this.clock.now()
    init.fabric.register(this)
  }

  // ---- Hypervisor ----

  async host (): Promise<HostInfo> {
    return { id: this.init.id, hostname: this.init.id, migrationUri: this.migrationUri, backend: 'memory' }
  }

  async capacity (): Promise<NodeCapacity> {
    return { cpus: this.init.cpus, memoryKiB: this.init.memoryMiB * 1024 }
  }

  async list (): Promise<DomainInfo[]> {
    this.usable()
    this.accrue()
    return [...this.domains.values()].map(toInfo)
  }

  async get (name: string): Promise<DomainInfo> {
    this.usable()
    this.accrue()
    return toInfo(this.find(name))
  }

  async sample (): Promise<HostSample> {
    const domains = await this.list()
    return { atMs: this.clock.now(), capacity: await this.capacity(), domains }
  }

  async define (spec: DomainSpec): Promise<DomainInfo> {
    const s = validateSpec(spec)
    this.usable()
    if (this.domains.has(s.name)) throw new DomainExistsError(s.name, this.init.id)
    const uuid = s.uuid ?? uuidFrom(`${this.init.id}/${s.name}/${this.clock.now()}`)
    const d: MemoryDomain = {
      name: s.name, uuid, vcpus: s.vcpus, maxKiB: s.memoryMiB * 1024, currentKiB: s.memoryMiB * 1024,
      rssKiB: null, state: 'shutoff', cpuTimeNs: 0, cpuDemand: 0
    }
    this.domains.set(s.name, d)
    this.emit('defined', d)
    return toInfo(d)
  }

  async start (name: string): Promise<void> {
    this.usable()
    const d = this.find(name)
    if (d.state !== 'shutoff' && d.state !== 'crashed') throw new InvalidStateError(name, 'start', d.state)
    this.accrue()
    d.state = 'running'
    d.cpuTimeNs = 0 // a new guest process
    this.emit('started', d, 'booted')
  }

  async shutdown (name: string): Promise<void> {
    this.stop(name, 'shutdown', 'shutdown')
  }

  async destroy (name: string): Promise<void> {
    this.stop(name, 'destroy', 'destroyed')
  }

  async undefine (name: string): Promise<void> {
    this.usable()
    const d = this.find(name)
    if (d.migrating !== undefined) throw new InvalidStateError(name, 'undefine', `migrating ${d.migrating}`)
    if (d.state !== 'shutoff' && d.state !== 'crashed') throw new InvalidStateError(name, 'undefine', d.state)
    this.domains.delete(name)
    this.emit('undefined', d)
  }

  async migrate (name: string, peerUri: string, options: MigrateOptions = {}): Promise<MigrationResult> {
    this.usable()
    const d = this.find(name)
    if (d.migrating !== undefined) throw new InvalidStateError(name, 'migrate', `migrating ${d.migrating}`)
    if (d.state !== 'running') throw new InvalidStateError(name, 'migrate', d.state)
    return await runMemoryMigration({
      source: this,
      domain: d,
      peerUri,
      peer: peerUri === this.migrationUri ? undefined : this.init.fabric.lookup(peerUri),
      options,
      bandwidthMiBs: options.bandwidthMiBs ?? this.bandwidthMiBs,
      clock: this.clock,
      log: this.log
    })
  }

  on (listener: HypervisorListener): () => void { return this.hub.on(listener) }
  events (signal?: AbortSignal): AsyncIterable<HypervisorEvent> { return this.hub.events(signal) }

  powerState (): PowerState { return this.power }

  async powerOff (): Promise<void> {
    if (this.power === 'off') return
    this.usable()
    const busy = [...this.domains.values()].filter(d => d.state !== 'shutoff' || d.migrating !== undefined).map(d => d.name)
    if (busy.length > 0) throw new HostBusyError(this.init.id, busy)
    this.power = 'off'
    this.log.info('powered off')
  }

  async powerOn (): Promise<void> {
    if (this.power === 'on') return
    this.power = 'on'
    this.lastAccrualMs = this.clock.now()
    this.log.info('powered on')
  }

  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.init.fabric.unregister(this)
    if (this.init.ownsFabric === true) await this.init.fabric.close()
    this.hub.close()
  }

  // ---- simulation controls (not part of Hypervisor) ----

  /** Cores the domain's guest wants (0..vcpus); CPU time accrues at this rate while it runs. */
  setCpuDemand (name: string, cores: number): void {
    const d = this.find(name)
    if (!Number.isFinite(cores) || cores < 0) throw new InvalidSpecError('cpuDemand', `must be a number >= 0, got ${cores}`)
    this.accrue()
    d.cpuDemand = cores
  }

  /** Guest memory as the host sees it: balloon size and/or resident set. */
  setMemoryUsage (name: string, usage: { currentMiB?: number, rssMiB?: number | null }): void {
    const d = this.find(name)
    if (usage.currentMiB !== undefined) {
      if (!(usage.currentMiB > 0) || usage.currentMiB * 1024 > d.maxKiB) throw new InvalidSpecError('currentMiB', `must be in (0, ${d.maxKiB / 1024}]`)
      d.currentKiB = Math.round(usage.currentMiB * 1024)
    }
    if (usage.rssMiB !== undefined) {
      if (usage.rssMiB !== null && !(usage.rssMiB >= 0)) throw new InvalidSpecError('rssMiB', 'must be >= 0 or null')
      d.rssKiB = usage.rssMiB === null ? null : Math.round(usage.rssMiB * 1024)
    }
  }

  /** An unreachable host answers nothing and accepts no migration (a crashed daemon or a partition). */
  setReachable (reachable: boolean): void {
    this.reachable = reachable
    this.log.info({ reachable }, 'reachability changed')
  }

  injectFault (fault: MemoryFault): void {
    if (!(fault.atFraction >= 0 && fault.atFraction <= 1)) throw new InvalidSpecError('atFraction', 'must be in [0, 1]')
    this.fault = fault
  }

  // ---- MemoryPeer: the target side of a migration ----

  prepareIncoming (incoming: IncomingDomain): void {
    if (this.closed || !this.reachable || this.power === 'off') {
      throw new PeerUnreachableError(this.migrationUri, this.closed ? 'closed' : this.power === 'off' ? 'powered off' : 'not answering')
    }
    if (this.domains.has(incoming.name)) throw new DomainExistsError(incoming.name, this.init.id)
    // guest memory is never overcommitted here: an incoming guest needs room for all of its memory
    // beside every guest that runs or is on its way in (a real host would swap, or lose a guest to
    // the OOM killer)
    const free = this.init.memoryMiB * 1024 - this.committedKiB()
    if (incoming.maxKiB > free) throw new InsufficientMemoryError(incoming.name, this.init.id, incoming.maxKiB, free)
    this.accrue()
    this.domains.set(incoming.name, { ...incoming, state: 'paused', migrating: 'in' })
  }

  /** Guest memory held by domains that run, are paused, or are on their way in. */
  private committedKiB (): number {
    let sum = 0
    for (const d of this.domains.values()) if (d.state !== 'shutoff' && d.state !== 'crashed') sum += d.maxKiB
    return sum
  }

  checkIncoming (name: string, fraction: number): void {
    if (this.fault?.kind === 'die-mid-migration' && fraction >= this.fault.atFraction) {
      this.fault = undefined
      this.reachable = false
      this.log.warn({ domain: name, fraction }, 'injected fault: target died mid-migration')
    }
    if (!this.reachable || this.closed) {
      this.domains.delete(name)
      throw new PeerUnreachableError(this.migrationUri, 'target stopped answering mid-migration')
    }
  }

  commitIncoming (final: IncomingDomain): void {
    const d = this.find(final.name)
    if (d.migrating !== 'in' || d.uuid !== final.uuid) throw new InvalidStateError(final.name, 'commit an incoming copy of', d.migrating === 'in' ? 'another domain of that name' : 'not incoming')
    this.accrue()
    Object.assign(d, final)
    d.state = 'running'
    delete d.migrating
    this.emit('defined', d, 'migrated')
    this.emit('migrated-in', d)
  }

  dropIncoming (name: string): void {
    const d = this.domains.get(name)
    if (d?.migrating === 'in') this.domains.delete(name)
  }

  holding (name: string, uuid: string): DomainHolding {
    const d = this.domains.get(name)
    if (d === undefined || d.uuid !== uuid) return 'absent'
    return d.migrating === 'in' ? 'incoming' : 'owned'
  }

  // ---- used by runMemoryMigration on the source side ----

  /** @internal */
  accrueNow (): void { this.accrue() }

  /** @internal Removes a domain that now lives on the peer. */
  handOver (d: MemoryDomain): void {
    this.accrue()
    this.domains.delete(d.name)
    this.emit('migrated-out', d)
    this.emit('undefined', d, 'migrated')
  }

  /**
   * @internal The destination may or may not have committed the domain (its acknowledgement never
   * came): keep this copy, but paused, so it is not lost and does not run twice.
   */
  park (d: MemoryDomain): void {
    this.accrue()
    d.state = 'paused'
    this.emit('suspended', d, 'migration-unresolved')
  }

  // ---- helpers ----

  private stop (name: string, operation: string, reason: string): void {
    this.usable()
    const d = this.find(name)
    if (d.migrating !== undefined) throw new InvalidStateError(name, operation, `migrating ${d.migrating}`)
    if (d.state === 'shutoff') throw new InvalidStateError(name, operation, d.state)
    this.accrue()
    d.state = 'shutoff'
    this.emit('stopped', d, reason)
  }

  private find (name: string): MemoryDomain {
    const d = this.domains.get(name)
    if (d === undefined) throw new DomainNotFoundError(name, this.init.id)
    return d
  }

  private usable (): void {
    if (this.closed) throw new HypervisorUnavailableError(`memory host ${this.init.id} is closed`)
    if (!this.reachable) throw new HypervisorUnavailableError(`memory host ${this.init.id} is unreachable`)
    if (this.power === 'off') throw new HostPoweredOffError(this.init.id)
  }

  private accrue (): void {
    const now = this.clock.now()
    accrueCpu(this.domains.values(), this.init.cpus, this.lastAccrualMs, now)
    this.lastAccrualMs = Math.max(this.lastAccrualMs, now)
  }

  private emit (type: HypervisorEventType, d: MemoryDomain, reason?: string): void {
    const e: HypervisorEvent = { type, domain: d.name, uuid: d.uuid, atMs: this.clock.now() }
    if (reason !== undefined) e.reason = reason
    this.log.debug({ event: type, domain: d.name }, 'lifecycle event')
    this.hub.emit(e)
  }
}

export function createMemoryHypervisor (init: MemoryHypervisorInit, components: HypervisorComponents): MemoryHypervisor {
  return new MemoryHypervisor(init, components)
}
