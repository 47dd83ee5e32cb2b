// The daemon side of the control socket. Reads request lines, checks them, runs the method's
// handler and writes its events and answer. A bad line gets a coded error answer and never takes the
// daemon down; a client that hangs up aborts its streaming requests.
import { chmodSync, existsSync, unlinkSync } from 'node:fs'
import { dirname } from 'node:path'
import { createConnection, createServer } from 'node:net'
import type { Server, Socket } from 'node:net'
import type { Logger } from 'pino'
import { makeDirs } from '../daemon/make-dirs.js'
import {
  BadJsonError, BadRequestError, BusyError, ControlError, InternalError, RequestTooLargeError, UnknownMethodError,
} from './errors.js'
import { MAX_LINE_BYTES } from './protocol.js'
import type { Answer, Id } from './protocol.js'

export interface HandlerContext {
  /** Sends a streaming event to the caller (ignored once the caller hung up). */
  emit: (event: unknown) => void
  /** Aborts when the caller hangs up or the server closes. */
  signal: AbortSignal
}

export interface MethodHandler<P = unknown> {
  check: (params: Record<string, unknown>) => P
  run: (params: P, ctx: HandlerContext) => Promise<unknown>
}

// A table of handlers with different param types; each is checked at its own definition.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type MethodTable = Record<string, MethodHandler<any>>

export interface ControlServerInit {
  path: string
  /** File mode of the socket; default 0o660. */
  mode?: number
  methods: MethodTable
  /** Requests in flight per connection; default 16. */
  maxInFlight?: number
}

export class SocketInUseError extends ControlError {
  constructor (path: string) {
    super('PARLEY_SOCKET_IN_USE', `another parleyd answers on ${path}`, 'stop it first, or give this one another --socket')
  }
}

export class SocketListenError extends ControlError {
  constructor (path: string, why: string) {
    super('PARLEY_SOCKET_FAILED', `cannot listen on ${path} (${why})`, 'check that its directory is writable by parleyd (RuntimeDirectory=parley in the unit), or give another --socket')
  }
}

/** Refuses a path another live daemon answers on; removes a stale socket file. */
export async function claimSocketPath (path: string): Promise<void> {
  if (!existsSync(path)) return
  if (await answers(path)) throw new SocketInUseError(path)
  unlinkSync(path) // left by a daemon that did not stop cleanly
}

export class ControlServer {
  private server: Server | undefined
  private readonly sockets = new Set<Socket>()
  private readonly closing = new AbortController()

  constructor (private readonly init: ControlServerInit, private readonly log: Logger) {}

  async listen (): Promise<void> {
    const { path } = this.init
    await claimSocketPath(path)
    try {
      makeDirs(dirname(path), 0o750)
    } catch (e) {
      throw new SocketListenError(path, (e as NodeJS.ErrnoException).code ?? (e as Error).message)
    }
    const server = createServer(sock => { this.accept(sock) })
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => { reject(new SocketListenError(path, e.code ?? e.message)) })
      server.listen(path, () => { server.removeAllListeners('error'); resolve() })
    })
    server.on('error', err => { this.log.error({ err }, 'control socket error') })
    chmodSync(path, this.init.mode ?? 0o660)
    this.server = server
    this.log.info({ path }, 'control socket listening')
  }

  async close (): Promise<void> {
    this.closing.abort()
    for (const s of this.sockets) s.destroy()
    const server = this.server
    this.server = undefined
    if (server !== undefined) await new Promise<void>(resolve => { server.close(() => { resolve() }) })
    try { unlinkSync(this.init.path) } catch { /* already gone */ }
  }

  private accept (sock: Socket): void {
    this.sockets.add(sock)
    const hangup = new AbortController()
    const signal = AbortSignal.any([hangup.signal, this.closing.signal])
    let buffered = ''
    let inFlight = 0
    const write = (line: unknown): void => { if (!sock.destroyed && sock.writable) sock.write(JSON.stringify(line) + '\n') }
    sock.setEncoding('utf8')
    sock.on('data', (chunk: string) => {
      buffered += chunk
      let nl: number
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl)
        buffered = buffered.slice(nl + 1)
        if (line.trim().length === 0) continue
        if (inFlight >= (this.init.maxInFlight ?? 16)) { write(errorAnswer(idOf(line), new BusyError(this.init.maxInFlight ?? 16))); continue }
        inFlight++
        void this.handle(line, write, signal).finally(() => { inFlight-- })
      }
      if (Buffer.byteLength(buffered) > MAX_LINE_BYTES) {
        write(errorAnswer(null, new RequestTooLargeError(MAX_LINE_BYTES)))
        sock.end()
        buffered = ''
      }
    })
    sock.on('error', () => {}) // a client that vanishes mid-write is not the daemon's problem
    sock.on('close', () => { hangup.abort(); this.sockets.delete(sock) })
  }

  private async handle (line: string, write: (l: unknown) => void, signal: AbortSignal): Promise<void> {
    let id: Id | null = null
    try {
      const req = parseRequest(line)
      id = req.id
      const handler = Object.hasOwn(this.init.methods, req.method) ? this.init.methods[req.method] : undefined
      if (handler === undefined) throw new UnknownMethodError(req.method, Object.keys(this.init.methods))
      const params = handler.check(req.params)
      const reqId = req.id
      const result = await handler.run(params, { emit: event => { if (!signal.aborted) write({ id: reqId, event }) }, signal })
      write({ id, ok: true, result: result ?? null })
    } catch (err) {
      if (!(err instanceof ControlError)) this.log.error({ err, id }, 'control handler failed')
      write(errorAnswer(id ?? idOf(line), err))
    }
  }
}

function parseRequest (line: string): { id: Id, method: string, params: Record<string, unknown> } {
  let value: unknown
  try { value = JSON.parse(line) } catch (e) { throw new BadJsonError((e as Error).message.slice(0, 120)) }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadRequestError('not a JSON object')
  const r = value as Record<string, unknown>
  if (!(typeof r.id === 'number' && Number.isFinite(r.id)) && !(typeof r.id === 'string' && r.id.length <= 128)) throw new BadRequestError('"id" must be a number or a short string')
  if (typeof r.method !== 'string') throw new BadRequestError('"method" must be a string')
  const params = r.params ?? {}
  if (typeof params !== 'object' || params === null || Array.isArray(params)) throw new BadRequestError('"params" must be an object')
  return { id: r.id, method: r.method, params: params as Record<string, unknown> }
}

/** The id of a line, when it has a usable one, so even a refused request is answered to its id. */
function idOf (line: string): Id | null {
  try {
    const v = JSON.parse(line) as { id?: unknown }
    return typeof v.id === 'number' || typeof v.id === 'string' ? v.id : null
  } catch { return null }
}

function errorAnswer (id: Id | null, err: unknown): Answer {
  const e = err instanceof ControlError ? err : new InternalError(err instanceof Error ? err.message : String(err))
  return { id, ok: false, error: e.toWire() }
}

/** Whether something accepts connections on `path` (a live daemon, as opposed to a stale file). */
async function answers (path: string): Promise<boolean> {
  return await new Promise(resolve => {
    const c = createConnection(path)
    c.once('connect', () => { c.destroy(); resolve(true) })
    c.once('error', () => { resolve(false) })
  })
}
