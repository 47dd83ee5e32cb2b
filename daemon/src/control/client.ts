// The CLI side of the control socket: one connection, requests by id, streaming events to a
// callback. Connection failures become coded errors (PARLEY_NO_DAEMON, ...), never raw errno text.
import { createConnection } from 'node:net'
import type { Socket } from 'node:net'
import {
  ControlError, ControlTimeoutError, DaemonGoneError, InternalError, NoDaemonError, SocketDeniedError,
} from './errors.js'
import type { WireError } from './errors.js'
import type { Id, ServerLine } from './protocol.js'

export interface CallOptions {
  onEvent?: (event: unknown) => void
  /** Default: no limit for streaming calls with onEvent, 30 s otherwise. */
  timeoutMs?: number
}

interface Pending {
  method: string
  resolve: (v: unknown) => void
  reject: (e: ControlError) => void
  onEvent: ((e: unknown) => void) | undefined
  timer: NodeJS.Timeout | undefined
}

export class ControlClient {
  private nextId = 1
  private readonly pending = new Map<Id, Pending>()
  private buffered = ''

  private constructor (private readonly sock: Socket, private readonly path: string) {
    sock.setEncoding('utf8')
    sock.on('data', (chunk: string) => { this.onData(chunk) })
    sock.on('close', () => { this.failAll(new DaemonGoneError(path)) })
    sock.on('error', () => {})
  }

  static async connect (path: string, timeoutMs = 5000): Promise<ControlClient> {
    return await new Promise((resolve, reject) => {
      const sock = createConnection(path)
      const timer = setTimeout(() => { sock.destroy(); reject(new NoDaemonError(path, 'timed out')) }, timeoutMs)
      sock.once('connect', () => { clearTimeout(timer); resolve(new ControlClient(sock, path)) })
      sock.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer)
        reject(err.code === 'EACCES' ? new SocketDeniedError(path) : new NoDaemonError(path, err.code ?? err.message))
      })
    })
  }

  async call<T = unknown> (method: string, params: Record<string, unknown> = {}, options: CallOptions = {}): Promise<T> {
    const id = this.nextId++
    return await new Promise<T>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? (options.onEvent === undefined ? 30_000 : undefined)
      const timer = timeoutMs === undefined
        ? undefined
        : setTimeout(() => { this.pending.delete(id); reject(new ControlTimeoutError(method, timeoutMs)) }, timeoutMs)
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject, onEvent: options.onEvent, timer })
      if (this.sock.destroyed) { this.failAll(new DaemonGoneError(this.path)); return }
      this.sock.write(JSON.stringify({ id, method, params }) + '\n')
    })
  }

  close (): void {
    this.sock.end()
    this.sock.destroy()
  }

  private onData (chunk: string): void {
    this.buffered += chunk
    let nl: number
    while ((nl = this.buffered.indexOf('\n')) >= 0) {
      const line = this.buffered.slice(0, nl)
      this.buffered = this.buffered.slice(nl + 1)
      let msg: ServerLine
      try { msg = JSON.parse(line) as ServerLine } catch { this.failAll(new InternalError('the daemon sent a line that is not JSON')); return }
      const p = msg.id === null ? undefined : this.pending.get(msg.id)
      if (p === undefined) continue
      if ('event' in msg) { p.onEvent?.(msg.event); continue }
      this.pending.delete(msg.id!)
      if (p.timer !== undefined) clearTimeout(p.timer)
      if (msg.ok) p.resolve(msg.result)
      else p.reject(ControlError.fromWire(msg.error as WireError))
    }
  }

  private failAll (err: ControlError): void {
    for (const [id, p] of this.pending) {
      this.pending.delete(id)
      if (p.timer !== undefined) clearTimeout(p.timer)
      p.reject(err)
    }
  }
}

/** Connects, makes one call, closes. */
export async function callDaemon<T = unknown> (path: string, method: string, params: Record<string, unknown> = {}, options: CallOptions = {}): Promise<T> {
  const client = await ControlClient.connect(path)
  try {
    return await client.call<T>(method, params, options)
  } finally {
    client.close()
  }
}
