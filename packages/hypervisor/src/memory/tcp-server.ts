// The destination's end of memory+tcp: one session per connection, its frames handled in order. A
// session holds at most one uncommitted incoming copy; when the connection closes, times out or
// breaks the protocol before the commit, that copy is dropped, so a source that died or gave up
// never leaves a half-migrated domain behind.
import { createServer, type Server, type Socket } from 'node:net'
import type { Logger } from 'pino'
import { isHypervisorError, MigrationProtocolError } from '../errors.js'
import type { MemoryPeer } from './fabric.js'
import { checkRequest, type Reply, type Request } from './messages.js'
import { encodeFrame, FrameReader } from './wire.js'

export interface MigrationServerInit {
  /** The host a connection names as its target, if this fabric has one by that name. */
  resolve: (target: string) => MemoryPeer | undefined
  maxFrameBytes: number
  /** A connection silent for this long is closed (and its uncommitted copy dropped). */
  idleTimeoutMs: number
  maxConnections: number
  log: Logger
}

const clean = (s: string): string => s.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, 2000) // eslint-disable-line no-control-regex

export class MigrationServer {
  private readonly server: Server
  private readonly sockets = new Set<Socket>()

  constructor (private readonly init: MigrationServerInit) {
    this.server = createServer(socket => { this.accept(socket) })
    this.server.maxConnections = init.maxConnections
  }

  async listen (host: string, port: number): Promise<{ host: string, port: number }> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen({ host, port }, () => { this.server.off('error', reject); resolve() })
    })
    this.server.on('error', err => { this.init.log.error({ err }, 'migration listener failed') })
    const a = this.server.address()
    if (a === null || typeof a === 'string') throw new Error('migration listener has no TCP address')
    return { host: a.address, port: a.port }
  }

  /** Stops listening and closes every connection (uncommitted incoming copies are dropped). */
  async close (): Promise<void> {
    const closed = new Promise<void>(resolve => { this.server.close(() => { resolve() }) })
    for (const s of this.sockets) s.destroy()
    await closed
  }

  private accept (socket: Socket): void {
    this.sockets.add(socket)
    socket.once('close', () => { this.sockets.delete(socket) })
    const remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`
    new Session(socket, this.init, this.init.log.child({ remote })).start()
  }
}

class Session {
  private readonly reader: FrameReader
  private queue: Promise<void> = Promise.resolve()
  private ended = false
  /** The host and domain of the uncommitted incoming copy this connection holds, if any. */
  private incoming: { target: MemoryPeer, name: string, uuid: string } | undefined
  private used = false

  constructor (private readonly socket: Socket, private readonly init: MigrationServerInit, private readonly log: Logger) {
    this.reader = new FrameReader(init.maxFrameBytes)
  }

  start (): void {
    const { socket } = this
    socket.setNoDelay(true)
    socket.setTimeout(this.init.idleTimeoutMs, () => {
      this.log.warn({ idleTimeoutMs: this.init.idleTimeoutMs, domain: this.incoming?.name }, 'migration connection idle too long: closing it')
      socket.destroy()
    })
    socket.on('data', (chunk: Buffer) => {
      if (this.ended) return
      let frames: unknown[]
      try {
        frames = this.reader.push(chunk)
      } catch (err) {
        this.refuse(err as MigrationProtocolError)
        return
      }
      for (const f of frames) this.queue = this.queue.then(async () => { await this.handle(f) })
    })
    socket.on('error', err => { this.log.debug({ err: err.message }, 'migration connection error') })
    // frames still queued when the connection closes are not applied: a commit either ran before
    // the close or never will, which is what a source asking holding() afterwards relies on
    socket.on('close', () => { this.ended = true; this.queue = this.queue.then(async () => { await this.dropUncommitted('the source closed the connection before the commit') }) })
  }

  private async handle (frame: unknown): Promise<void> {
    if (this.ended) return
    let req: Request
    try {
      req = checkRequest(frame)
    } catch (err) {
      this.refuse(err as MigrationProtocolError)
      return
    }
    try {
      this.send(await this.dispatch(req))
    } catch (err) {
      const code = isHypervisorError(err) ? err.code : 'HV_OPERATION_FAILED'
      const message = err instanceof Error ? err.message : String(err)
      this.log.warn({ request: req.type, domain: 'name' in req ? req.name : req.domain.name, code, err: message }, 'migration request refused')
      this.send({ v: 1, type: 'error', code, message: clean(message) })
      if (err instanceof MigrationProtocolError) this.end()
    }
  }

  private async dispatch (req: Request): Promise<Reply> {
    switch (req.type) {
      case 'prepare': {
        if (this.used) throw new MigrationProtocolError('one migration per connection')
        this.used = true
        const target = this.target(req.target)
        await target.prepareIncoming(req.domain)
        this.incoming = { target, name: req.domain.name, uuid: req.domain.uuid }
        this.log.info({ domain: req.domain.name, host: req.target }, 'incoming migration prepared')
        return { v: 1, type: 'ok' }
      }
      case 'check': {
        const inc = this.current(req.name)
        try {
          await inc.target.checkIncoming(req.name, req.fraction)
        } catch (err) {
          this.incoming = undefined // the host dropped its copy as it failed
          throw err
        }
        return { v: 1, type: 'ok' }
      }
      case 'commit': {
        const inc = this.current(req.domain.name)
        if (req.domain.uuid !== inc.uuid) throw new MigrationProtocolError(`commit of uuid ${req.domain.uuid}, prepared ${inc.uuid}`)
        await inc.target.commitIncoming(req.domain)
        this.incoming = undefined
        this.log.info({ domain: req.domain.name }, 'incoming migration committed')
        return { v: 1, type: 'ack' }
      }
      case 'drop':
        await this.dropUncommitted('the source dropped the migration')
        return { v: 1, type: 'ok' }
      case 'query':
        return { v: 1, type: 'holding', holding: await this.target(req.target).holding(req.name, req.uuid) }
    }
  }

  private target (name: string): MemoryPeer {
    const t = this.init.resolve(name)
    if (t === undefined) throw new MigrationProtocolError(`no memory host "${clean(name).slice(0, 80)}" behind this port`)
    return t
  }

  private current (name: string): NonNullable<Session['incoming']> {
    if (this.incoming === undefined || this.incoming.name !== name) throw new MigrationProtocolError(`no incoming migration of "${clean(name).slice(0, 80)}" on this connection`)
    return this.incoming
  }

  private async dropUncommitted (why: string): Promise<void> {
    const inc = this.incoming
    if (inc === undefined) return
    this.incoming = undefined
    try {
      await inc.target.dropIncoming(inc.name)
    } catch (err) {
      this.log.error({ err, domain: inc.name }, 'dropping an incoming copy failed')
    }
    this.log.info({ domain: inc.name, why }, 'incoming copy dropped')
  }

  /** A protocol violation: say so, log it, and end the connection (dropping any incoming copy). */
  private refuse (err: MigrationProtocolError): void {
    this.log.warn({ code: err.code, err: err.message }, 'invalid migration frame: closing the connection')
    this.send({ v: 1, type: 'error', code: err.code, message: clean(err.message) })
    this.end()
  }

  private end (): void {
    this.ended = true
    this.socket.end()
    this.queue = this.queue.then(async () => { await this.dropUncommitted('the connection broke the protocol') })
  }

  private send (reply: Reply): void {
    if (!this.socket.writable) return
    this.socket.write(encodeFrame(reply))
  }
}
