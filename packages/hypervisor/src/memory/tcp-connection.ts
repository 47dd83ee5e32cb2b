// The source's end of one memory+tcp connection: strict request/reply, each reply awaited with a
// timeout. Any failure (refused, reset, closed, timed out, invalid reply) ends the connection for
// good; the destination then drops an incoming copy it has not committed.
import { connect, type Socket } from 'node:net'
import { MigrationProtocolError, PeerUnreachableError } from '../errors.js'
import { checkReply, type Reply, type Request } from './messages.js'
import type { TcpMemoryAddress } from './tcp-uri.js'
import { encodeFrame, FrameReader } from './wire.js'

interface Pending { resolve: (r: Reply) => void, reject: (e: Error) => void, timer: NodeJS.Timeout }

export class FramedConnection {
  private readonly reader: FrameReader
  private pending: Pending | undefined
  private failure: Error | undefined

  private constructor (private readonly socket: Socket, private readonly uri: string, maxFrameBytes: number) {
    this.reader = new FrameReader(maxFrameBytes)
    socket.on('data', (chunk: Buffer) => {
      let messages: unknown[]
      try { messages = this.reader.push(chunk) } catch (err) { this.fail(err as Error); return }
      for (const m of messages) this.deliver(m)
    })
    socket.on('error', (err: NodeJS.ErrnoException) => { this.fail(new PeerUnreachableError(uri, `connection failed (${err.code ?? err.message})`, { cause: err })) })
    socket.on('close', () => { this.fail(new PeerUnreachableError(uri, 'the destination closed the connection')) })
  }

  /** @throws PeerUnreachableError */
  static async open (address: TcpMemoryAddress, uri: string, connectTimeoutMs: number, maxFrameBytes: number): Promise<FramedConnection> {
    return await new Promise((resolve, reject) => {
      const socket = connect({ host: address.host, port: address.port })
      socket.setNoDelay(true)
      const timer = setTimeout(() => {
        socket.destroy()
        reject(new PeerUnreachableError(uri, `no connection within ${connectTimeoutMs} ms`))
      }, connectTimeoutMs)
      const onError = (err: NodeJS.ErrnoException): void => {
        clearTimeout(timer)
        reject(new PeerUnreachableError(uri, `cannot connect (${err.code ?? err.message})`, { cause: err }))
      }
      socket.once('error', onError)
      socket.once('connect', () => {
        clearTimeout(timer)
        socket.off('error', onError)
        resolve(new FramedConnection(socket, uri, maxFrameBytes))
      })
    })
  }

  /** @throws PeerUnreachableError (link), MigrationProtocolError (invalid reply) */
  async request (message: Request, timeoutMs: number): Promise<Reply> {
    if (this.failure !== undefined) throw this.failure
    if (this.pending !== undefined) throw new Error('FramedConnection: one request at a time')
    return await new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new PeerUnreachableError(this.uri, `no reply to ${message.type} within ${timeoutMs} ms`))
      }, timeoutMs)
      this.pending = { resolve, reject, timer }
      this.socket.write(encodeFrame(message))
    })
  }

  /** Ends the connection after what was written has been sent. */
  close (): void {
    this.failure ??= new PeerUnreachableError(this.uri, 'the connection was closed')
    this.socket.end()
    this.socket.unref()
  }

  private deliver (message: unknown): void {
    const p = this.pending
    if (p === undefined) { this.fail(new MigrationProtocolError('a reply nobody asked for')); return }
    this.pending = undefined
    clearTimeout(p.timer)
    try {
      p.resolve(checkReply(message))
    } catch (err) {
      p.reject(err as Error)
      this.fail(err as Error)
    }
  }

  private fail (err: Error): void {
    this.failure ??= err
    const p = this.pending
    this.pending = undefined
    if (p !== undefined) { clearTimeout(p.timer); p.reject(err) }
    this.socket.destroy()
  }
}
