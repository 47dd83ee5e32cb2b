import * as libvirt from '@parley/libvirt'
import type { Connection, Domain } from '@parley/libvirt'
import type { Logger } from 'pino'
import type { Clock } from '../clock.js'
import type { HypervisorComponents } from '../components.js'
import {
  DomainExistsError, HypervisorUnavailableError, InvalidSpecError, InvalidStateError, MigrationAbortedError,
  PeerUnreachableError, UnsupportedError
} from '../errors.js'
import { EventHub } from '../events.js'
import type {
  DomainInfo, DomainSpec, HostInfo, HostSample, Hypervisor, HypervisorEvent, HypervisorListener, MigrateOptions,
  MigrationResult, NodeCapacity, PowerState
} from '../hypervisor.js'
import { validateSpec } from '../spec.js'
import { mapLibvirtError } from './errors.js'
import { LifecycleMapper } from './events.js'
import { DomainReader } from './list.js'
import { runLibvirtMigration } from './migrate.js'
import { domainXml, xmlDomainName } from './xml.js'

export interface LibvirtHypervisorInit {
  /** The local libvirt connection, e.g. qemu:///system or qemu+tcp://127.0.1.1/system. */
  uri: string
  /**
   * The libvirt URI peers migrate to (this host's HostInfo.migrationUri). Default: `uri` when it
   * names a network host, else qemu+tcp://<hostname>/system.
   */
  migrateUri?: string
}

/** The migration URI peers should use for a host reached locally at `uri`. */
export function deriveMigrateUri (uri: string, hostname: string): string {
  const m = /^([a-z0-9+]+):\/\/([^/?]*)(\/[^?]*)?/i.exec(uri)
  if (m === null) return `qemu+tcp://${hostname}/system`
  const [, scheme, authority, path] = m as unknown as [string, string, string, string | undefined]
  const driver = (scheme.split('+')[0] as string).toLowerCase()
  if (authority !== '' && !/^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/i.test(authority)) return uri
  return `${driver}+tcp://${hostname}${path ?? '/system'}`
}

/** The real backend, over @parley/libvirt. */
export class LibvirtHypervisor implements Hypervisor {
  readonly backend = 'libvirt' as const
  private readonly hub: EventHub
  private readonly mapper = new LifecycleMapper()
  private readonly reader: DomainReader
  private readonly outgoing = new Set<string>()
  private unsubscribe: (() => void) | undefined
  private closed = false

  private constructor (
    private readonly conn: Connection,
    private readonly info: HostInfo,
    private readonly capacityInfo: NodeCapacity,
    private readonly clock: Clock,
    private readonly log: Logger
  ) {
    this.hub = new EventHub(err => { log.error({ err }, 'event listener threw') })
    this.reader = new DomainReader(conn, this.mapper, this.outgoing, clock, log)
  }

  static async create (init: LibvirtHypervisorInit, components: HypervisorComponents): Promise<LibvirtHypervisor> {
    if (!libvirt.isAvailable()) throw new HypervisorUnavailableError(libvirt.unavailableReason() ?? 'the libvirt binding is not loaded')
    const log = components.logger.child({ component: 'hypervisor', backend: 'libvirt', uri: init.uri })
    let conn: Connection
    try {
      conn = await libvirt.open(init.uri)
    } catch (err) {
      throw new HypervisorUnavailableError(`cannot open ${init.uri}: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
    }
    try {
      const hostname = await conn.getHostname()
      const node = await conn.getNodeInfo()
      const info: HostInfo = { id: hostname, hostname, migrationUri: init.migrateUri ?? deriveMigrateUri(init.uri, hostname), backend: 'libvirt' }
      const hv = new LibvirtHypervisor(conn, info, { cpus: node.cpus, memoryKiB: node.memoryKiB }, components.clock, log)
      await hv.subscribe()
      log.info({ hostname, migrationUri: info.migrationUri, cpus: node.cpus, memoryKiB: node.memoryKiB }, 'connected')
      return hv
    } catch (err) {
      await conn.close().catch(() => {})
      throw mapLibvirtError(err, { operation: 'connect', host: init.uri })
    }
  }

  private async subscribe (): Promise<void> {
    const off = this.conn.onLifecycle(e => {
      this.reader.invalidate(e.uuid)
      const mapped = this.mapper.map(e, this.clock.now())
      if (mapped !== null) this.hub.emit(mapped)
    })
    await off.ready
    const offClosed = this.conn.onClosed(reason => { this.log.error({ reason }, 'libvirt connection lost') })
    this.unsubscribe = () => { off(); offClosed() }
  }

  async host (): Promise<HostInfo> { return { ...this.info } }
  async capacity (): Promise<NodeCapacity> { return { ...this.capacityInfo } }

  async list (): Promise<DomainInfo[]> {
    this.usable()
    try {
      return await this.reader.list()
    } catch (err) {
      throw this.mapErr(err, 'list')
    }
  }

  async get (name: string): Promise<DomainInfo> {
    const d = await this.lookup(name, 'get')
    try {
      return await this.reader.read(d)
    } catch (err) {
      throw this.mapErr(err, 'get', name)
    }
  }

  async sample (): Promise<HostSample> {
    const domains = await this.list()
    return { atMs: this.clock.now(), capacity: await this.capacity(), domains }
  }

  async define (spec: DomainSpec): Promise<DomainInfo> {
    const s = validateSpec(spec)
    this.usable()
    let xml = domainXml(s)
    if (s.xml !== undefined) {
      const inXml = xmlDomainName(s.xml)
      if (inXml !== s.name) throw new InvalidSpecError('xml', `must name the domain '${s.name}' in <name>, found ${inXml === null ? 'none' : `'${inXml}'`}`)
      xml = s.xml
    }
    // defineXML of an existing name would silently redefine that domain: refuse instead
    if (await this.exists(s.name)) throw new DomainExistsError(s.name, this.info.hostname)
    try {
      const d = await this.conn.defineDomain(xml)
      return await this.reader.read(d)
    } catch (err) {
      throw this.mapErr(err, 'define', s.name)
    }
  }

  async start (name: string): Promise<void> {
    const d = await this.lookup(name, 'start')
    await this.op(name, 'start', async () => { await d.start() })
  }

  async shutdown (name: string): Promise<void> {
    const d = await this.lookup(name, 'shutdown')
    await this.op(name, 'shutdown', async () => { await d.shutdown() })
  }

  async destroy (name: string): Promise<void> {
    const d = await this.lookup(name, 'destroy')
    await this.op(name, 'destroy', async () => { await d.destroy() })
  }

  async undefine (name: string): Promise<void> {
    const d = await this.lookup(name, 'undefine')
    // libvirt would turn a running persistent domain transient; losing its definition that way
    // is never what an agent means, so it must be stopped first (as in the memory backend)
    if (await this.op(name, 'undefine', async () => await d.isActive())) throw new InvalidStateError(name, 'undefine', 'running')
    await this.op(name, 'undefine', async () => { await d.undefine() })
  }

  async migrate (name: string, peerUri: string, options: MigrateOptions = {}): Promise<MigrationResult> {
    const d = await this.lookup(name, 'migrate')
    const info = await this.op(name, 'migrate', async () => await d.getInfo())
    if (info.state !== 'running' && info.state !== 'blocked') throw new InvalidStateError(name, 'migrate', info.state)
    if (this.outgoing.has(d.uuid)) throw new InvalidStateError(name, 'migrate', 'migrating out')
    if (options.signal?.aborted === true) throw new MigrationAbortedError(name, peerUri)
    if (peerUri === this.info.migrationUri) throw new PeerUnreachableError(peerUri, 'it is this host')
    this.outgoing.add(d.uuid)
    try {
      return await runLibvirtMigration({ conn: this.conn, domain: d, fromUri: this.info.migrationUri, peerUri, options, clock: this.clock, log: this.log })
    } finally {
      this.outgoing.delete(d.uuid)
      this.reader.invalidate(d.uuid)
    }
  }

  on (listener: HypervisorListener): () => void { return this.hub.on(listener) }
  events (signal?: AbortSignal): AsyncIterable<HypervisorEvent> { return this.hub.events(signal) }

  powerState (): PowerState { return 'on' }

  async powerOff (): Promise<void> {
    throw new UnsupportedError('powerOff', 'Parley does not power off real hosts; consolidation marks them empty and an operator or out-of-band tool powers them off')
  }

  async powerOn (): Promise<void> { /* a host we can talk to is on */ }

  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.unsubscribe?.()
    this.hub.close()
    await this.conn.close().catch(err => { this.log.warn({ err }, 'close failed') })
  }

  private async exists (name: string): Promise<boolean> {
    try {
      await this.conn.lookupDomainByName(name)
      return true
    } catch (err) {
      const e = this.mapErr(err, 'lookup', name)
      if (e.code === 'HV_DOMAIN_NOT_FOUND') return false
      throw e
    }
  }

  private async lookup (name: string, operation: string): Promise<Domain> {
    this.usable()
    try {
      return await this.conn.lookupDomainByName(name)
    } catch (err) {
      throw this.mapErr(err, operation, name)
    }
  }

  private async op<T> (name: string, operation: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f()
    } catch (err) {
      throw this.mapErr(err, operation, name)
    }
  }

  private mapErr (err: unknown, operation: string, domain?: string): ReturnType<typeof mapLibvirtError> {
    const ctx: { operation: string, host: string, domain?: string } = { operation, host: this.info.hostname }
    if (domain !== undefined) ctx.domain = domain
    return mapLibvirtError(err, ctx)
  }

  private usable (): void {
    if (this.closed) throw new HypervisorUnavailableError(`${this.info.hostname}: closed`)
  }
}

export async function createLibvirtHypervisor (init: LibvirtHypervisorInit, components: HypervisorComponents): Promise<LibvirtHypervisor> {
  return await LibvirtHypervisor.create(init, components)
}
