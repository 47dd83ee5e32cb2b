// A memory host in another process, as the migration source sees it: each migration is one TCP
// connection to the destination's fabric (prepare, checks, commit or drop). Ownership stays
// exactly-once: the destination makes the domain its own on commit and acknowledges; the source
// hands it over only after the acknowledgement (see runMemoryMigration).
import type { Logger } from 'pino'
import { MigrationFailedError, MigrationProtocolError, PeerUnreachableError } from '../errors.js'
import type { DomainHolding, IncomingDomain, MemoryPeer } from './fabric.js'
import type { Reply, Request } from './messages.js'
import { FramedConnection } from './tcp-connection.js'
import type { TcpMemoryAddress } from './tcp-uri.js'

export interface TcpPeerTimeouts {
  connectTimeoutMs: number
  /** For each reply (prepare, check, commit, query). */
  replyTimeoutMs: number
  /** How long a source whose commit went unacknowledged keeps asking the destination what it holds. */
  resolveTimeoutMs: number
  resolveRetryMs: number
  maxFrameBytes: number
}

const messageOf = (err: unknown): string => err instanceof Error ? err.message : String(err)

export class TcpMemoryPeer implements MemoryPeer {
  private readonly sessions = new Map<string, FramedConnection>()

  constructor (
    readonly migrationUri: string,
    private readonly address: TcpMemoryAddress,
    private readonly timeouts: TcpPeerTimeouts,
    private readonly log: Logger
  ) {}

  async prepareIncoming (incoming: IncomingDomain): Promise<void> {
    const conn = await this.open()
    try {
      this.expect(await conn.request({ v: 1, type: 'prepare', target: this.address.name, domain: incoming }, this.timeouts.replyTimeoutMs), 'ok', incoming.name)
    } catch (err) {
      conn.close()
      throw this.typed(err, incoming.name)
    }
    this.sessions.set(incoming.name, conn)
  }

  async checkIncoming (name: string, fraction: number): Promise<void> {
    try {
      this.expect(await this.call(name, { v: 1, type: 'check', name, fraction }), 'ok', name)
    } catch (err) {
      this.end(name)
      throw this.typed(err, name)
    }
  }

  async commitIncoming (final: IncomingDomain): Promise<void> {
    let reply: Reply
    try {
      reply = await this.call(final.name, { v: 1, type: 'commit', domain: final })
    } catch (err) {
      this.end(final.name)
      await this.resolve(final, err)
      return
    }
    this.end(final.name)
    if (reply.type === 'ack') return
    if (reply.type === 'error') {
      // an explicit refusal: the destination still held only an uncommitted copy, and drops it
      throw new MigrationFailedError(final.name, this.migrationUri, `the destination refused the commit (${reply.code}: ${reply.message})`, 'source')
    }
    await this.resolve(final, new MigrationProtocolError(`expected ack to commit, got ${reply.type}`))
  }

  async dropIncoming (name: string): Promise<void> {
    const conn = this.sessions.get(name)
    if (conn === undefined) return
    this.sessions.delete(name)
    // closing alone makes the destination drop its copy; the drop message just says so sooner
    await conn.request({ v: 1, type: 'drop', name }, this.timeouts.replyTimeoutMs).catch(() => {})
    conn.close()
  }

  async holding (name: string, uuid: string): Promise<DomainHolding> {
    const conn = await this.open()
    try {
      const reply = await conn.request({ v: 1, type: 'query', target: this.address.name, name, uuid }, this.timeouts.replyTimeoutMs)
      if (reply.type === 'holding') return reply.holding
      throw this.typed(reply.type === 'error' ? reply : new MigrationProtocolError(`expected holding, got ${reply.type}`), name)
    } finally {
      conn.close()
    }
  }

  /**
   * The commit went out but no acknowledgement came back. Ask the destination, on new connections,
   * whether it owns the domain. It answers 'incoming' while the old connection is still open there
   * (the commit may yet be applied); once it has seen that connection close, it applies nothing
   * more from it and has dropped an uncommitted copy, so 'owned' and 'absent' are final.
   */
  private async resolve (final: IncomingDomain, cause: unknown): Promise<void> {
    const log = this.log.child({ domain: final.name, peer: this.migrationUri })
    log.warn({ err: messageOf(cause) }, 'no acknowledgement of the commit; asking the destination what it holds')
    const deadline = Date.now() + this.timeouts.resolveTimeoutMs
    let last: unknown = cause
    for (;;) {
      let answer: DomainHolding | undefined
      try { answer = await this.holding(final.name, final.uuid) } catch (err) { last = err }
      if (answer === 'owned') { log.warn('the destination owns the domain: the migration completed'); return }
      if (answer === 'absent') {
        throw new MigrationFailedError(final.name, this.migrationUri, `the destination did not commit (${messageOf(cause)})`, 'source', { cause })
      }
      if (answer === 'incoming') last = new Error('the destination still holds the copy uncommitted')
      if (Date.now() >= deadline) {
        throw new MigrationFailedError(final.name, this.migrationUri,
          `the commit was not acknowledged and the destination could not say within ${this.timeouts.resolveTimeoutMs} ms whether it committed (${messageOf(last)})`,
          'unknown', { cause: last })
      }
      await new Promise(resolve => setTimeout(resolve, this.timeouts.resolveRetryMs))
    }
  }

  private async open (): Promise<FramedConnection> {
    return await FramedConnection.open(this.address, this.migrationUri, this.timeouts.connectTimeoutMs, this.timeouts.maxFrameBytes)
  }

  private async call (name: string, message: Request): Promise<Reply> {
    const conn = this.sessions.get(name)
    if (conn === undefined) throw new PeerUnreachableError(this.migrationUri, `no open migration of '${name}'`)
    return await conn.request(message, this.timeouts.replyTimeoutMs)
  }

  private end (name: string): void {
    this.sessions.get(name)?.close()
    this.sessions.delete(name)
  }

  private expect (reply: Reply, type: Reply['type'], name: string): void {
    if (reply.type === type) return
    throw this.typed(reply.type === 'error' ? reply : new MigrationProtocolError(`expected ${type}, got ${reply.type}`), name)
  }

  /** Errors as the migration source reports them; the domain is still on the source for all of them. */
  private typed (err: unknown, name: string): Error {
    if (err instanceof PeerUnreachableError || err instanceof MigrationFailedError) return err
    if (err instanceof MigrationProtocolError) {
      return new MigrationFailedError(name, this.migrationUri, `the destination sent an invalid reply: ${err.message}`, 'source', { cause: err })
    }
    const remote = err as Partial<Extract<Reply, { type: 'error' }>>
    if (typeof remote.code === 'string' && typeof remote.message === 'string') {
      if (remote.code === 'HV_PEER_UNREACHABLE') return new PeerUnreachableError(this.migrationUri, `the destination answered: ${remote.message}`)
      return new MigrationFailedError(name, this.migrationUri, `the destination refused (${remote.code}: ${remote.message})`, 'source')
    }
    return new MigrationFailedError(name, this.migrationUri, messageOf(err), 'source', { cause: err })
  }
}
