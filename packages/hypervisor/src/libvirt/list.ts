import { ErrorCode, LibvirtError, type Connection, type Domain, type DomainStatsRecord } from '@parley/libvirt'
import type { Logger } from 'pino'
import type { Clock } from '../clock.js'
import type { DomainInfo } from '../hypervisor.js'
import type { LifecycleMapper } from './events.js'

const STATS_WAIT_MS = 1000

function gone (err: unknown): boolean {
  return err instanceof LibvirtError && err.code === ErrorCode.NO_DOMAIN
}

/**
 * Reads domains. State, memory, vCPUs and CPU time come from virDomainGetInfo, which answers even
 * while a domain is in a migration job. All-domain stats (for RSS) wait for such jobs to end, which
 * on a destination can take minutes, so they are asked only when no incoming copy is visible, at
 * most one request at a time, and given up on after a second (RSS is then reported unknown).
 */
export class DomainReader {
  private readonly persistent = new Map<string, boolean>()
  private statsInFlight: Promise<DomainStatsRecord[]> | undefined

  constructor (
    private readonly conn: Connection,
    private readonly mapper: LifecycleMapper,
    private readonly outgoing: ReadonlySet<string>,
    private readonly clock: Clock,
    private readonly log: Logger
  ) {}

  /** Forget cached facts about a domain (its definition changed). */
  invalidate (uuid: string): void { this.persistent.delete(uuid) }

  async list (): Promise<DomainInfo[]> {
    const domains = await this.conn.listAllDomains()
    const infos = (await Promise.all(domains.map(async d => await this.basic(d).catch((err: unknown) => {
      if (gone(err)) return null // undefined between the listing and the read
      throw err
    })))).filter((i): i is DomainInfo => i !== null)
    await this.addRss(infos)
    return infos
  }

  async read (d: Domain): Promise<DomainInfo> {
    const info = await this.basic(d)
    await this.addRss([info])
    return info
  }

  private async basic (d: Domain): Promise<DomainInfo> {
    const i = await d.getInfo()
    let persistent = this.persistent.get(d.uuid)
    if (persistent === undefined) {
      persistent = await d.isPersistent()
      this.persistent.set(d.uuid, persistent)
    }
    const info: DomainInfo = {
      name: d.name,
      uuid: d.uuid,
      state: i.state,
      persistent,
      vcpus: i.vcpus,
      memory: { maxKiB: i.maxMemKiB, currentKiB: i.memoryKiB, rssKiB: null },
      cpuTimeNs: i.cpuTimeNs
    }
    if (this.outgoing.has(d.uuid)) info.migrating = 'out'
    else if (this.mapper.isIncoming(d.uuid) || (i.state === 'paused' && !persistent && await this.isIncoming(d))) info.migrating = 'in'
    return info
  }

  /** An incoming copy has no job statistics here: libvirt keeps them on the source. */
  private async isIncoming (d: Domain): Promise<boolean> {
    try {
      await d.getJobStats()
      return false
    } catch (err) {
      return err instanceof LibvirtError && (err.code === ErrorCode.OPERATION_UNSUPPORTED || /only on the source/.test(err.message))
    }
  }

  private async addRss (infos: DomainInfo[]): Promise<void> {
    const active = infos.filter(i => i.state !== 'shutoff' && i.state !== 'crashed')
    if (active.length === 0 || infos.some(i => i.migrating === 'in') || this.statsInFlight !== undefined) return
    const request = this.conn.getAllDomainStats()
    this.statsInFlight = request
    void request.finally(() => { if (this.statsInFlight === request) this.statsInFlight = undefined }).catch(() => {})
    const timeout = new AbortController()
    const records = await Promise.race([
      request,
      this.clock.sleep(STATS_WAIT_MS, timeout.signal).then(() => null, () => null)
    ]).catch((err: unknown) => { this.log.debug({ err }, 'domain stats failed'); return null })
    timeout.abort()
    if (records === null) return
    const byUuid = new Map(records.map(r => [r.uuid, r.params]))
    for (const i of active) {
      const rss = byUuid.get(i.uuid)?.['balloon.rss']
      if (typeof rss === 'number' && rss > 0) i.memory.rssKiB = rss
    }
  }
}
