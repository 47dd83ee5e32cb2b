// A memory fabric that spans processes: it listens on a TCP port for incoming migrations to the
// hosts registered on it, and its lookup() dials memory+tcp:// URIs it does not hold itself. Hosts
// on it get migration URIs memory+tcp://HOST:PORT/NAME (uriFor). Meant for loopback and private
// networks: the port takes migrations from whoever connects (the simulator has nothing to steal).
//
// Crash windows (ownership is otherwise exactly-once, see runMemoryMigration):
// - The source dies before the commit: the destination sees the connection close and drops its
//   uncommitted copy. The domain dies with the source process, as any domain of a crashed host.
// - The destination dies before the commit: the source's next check or the commit fails; the domain
//   keeps running on the source.
// - The commit is sent and the acknowledgement is lost: the source asks the destination
//   (holding()) until it can tell. If it never can within resolveTimeoutMs, the source keeps its
//   copy paused and reports location 'unknown'; if the destination did commit, the domain is then
//   on both hosts, running only on the destination. This is the one window an operator resolves.
import type { Logger } from 'pino'
import { HypervisorUnavailableError, InvalidSpecError } from '../errors.js'
import { MemoryFabric, type MemoryPeer } from './fabric.js'
import { MigrationServer } from './tcp-server.js'
import { TcpMemoryPeer, type TcpPeerTimeouts } from './tcp-peer.js'
import { formatTcpMemoryUri, parseTcpMemoryUri } from './tcp-uri.js'
import { MAX_FRAME_BYTES } from './wire.js'

export interface TcpMemoryFabricInit {
  /** Address to listen on, e.g. 127.0.0.1. */
  host: string
  /** Default 0: a free port. */
  port?: number
  /** Host written into migration URIs; default `host`, required when that is 0.0.0.0 or ::. */
  advertiseHost?: string
  connectTimeoutMs?: number
  replyTimeoutMs?: number
  resolveTimeoutMs?: number
  resolveRetryMs?: number
  /** Server side: a connection silent this long is closed. Default 60 s. */
  idleTimeoutMs?: number
  maxFrameBytes?: number
  maxConnections?: number
}

const UNSPECIFIED = new Set(['0.0.0.0', '::', '[::]'])

export class TcpMemoryFabric extends MemoryFabric {
  private constructor (
    /** Hosts by the NAME of their memory+tcp URI: the server routes a connection's target here. */
    private readonly byName: Map<string, MemoryPeer>,
    private readonly server: MigrationServer,
    readonly address: { host: string, port: number },
    private readonly advertiseHost: string,
    private readonly timeouts: TcpPeerTimeouts,
    private readonly log: Logger
  ) { super() }

  static async listen (init: TcpMemoryFabricInit, components: { logger: Logger }): Promise<TcpMemoryFabric> {
    const advertiseHost = init.advertiseHost ?? init.host
    if (UNSPECIFIED.has(advertiseHost)) throw new InvalidSpecError('advertiseHost', `is needed when listening on ${init.host}: peers must be told one address`)
    const log = components.logger.child({ component: 'memory-fabric' })
    const byName = new Map<string, MemoryPeer>()
    const maxFrameBytes = init.maxFrameBytes ?? MAX_FRAME_BYTES
    const server = new MigrationServer({
      resolve: name => byName.get(name),
      maxFrameBytes,
      idleTimeoutMs: init.idleTimeoutMs ?? 60_000,
      maxConnections: init.maxConnections ?? 64,
      log
    })
    let address: { host: string, port: number }
    try {
      address = await server.listen(init.host, init.port ?? 0)
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message
      throw new HypervisorUnavailableError(`cannot listen for memory migrations on ${init.host}:${init.port ?? 0} (${why})`, { cause: err })
    }
    log.info({ address }, 'listening for memory migrations')
    return new TcpMemoryFabric(byName, server, address, advertiseHost, {
      connectTimeoutMs: init.connectTimeoutMs ?? 5000,
      replyTimeoutMs: init.replyTimeoutMs ?? 10_000,
      resolveTimeoutMs: init.resolveTimeoutMs ?? 30_000,
      resolveRetryMs: init.resolveRetryMs ?? 500,
      maxFrameBytes
    }, log)
  }

  /** The migration URI of a host called `name` on this fabric. */
  uriFor (name: string): string {
    return formatTcpMemoryUri({ host: this.advertiseHost, port: this.address.port, name })
  }

  override register (peer: MemoryPeer): void {
    const addr = parseTcpMemoryUri(peer.migrationUri)
    if (addr !== undefined) {
      const existing = this.byName.get(addr.name)
      if (existing !== undefined && existing !== peer) throw new Error(`memory fabric: a host named ${addr.name} is already registered`)
    }
    super.register(peer)
    if (addr !== undefined) this.byName.set(addr.name, peer)
  }

  override unregister (peer: MemoryPeer): void {
    super.unregister(peer)
    const addr = parseTcpMemoryUri(peer.migrationUri)
    if (addr !== undefined && this.byName.get(addr.name) === peer) this.byName.delete(addr.name)
  }

  override lookup (uri: string): MemoryPeer | undefined {
    const local = super.lookup(uri)
    if (local !== undefined) return local
    const addr = parseTcpMemoryUri(uri)
    return addr === undefined ? undefined : new TcpMemoryPeer(uri, addr, this.timeouts, this.log)
  }

  override async close (): Promise<void> {
    await this.server.close()
  }
}

export async function listenTcpMemoryFabric (init: TcpMemoryFabricInit, components: { logger: Logger }): Promise<TcpMemoryFabric> {
  return await TcpMemoryFabric.listen(init, components)
}
