/**
 * The serving half of request/response, shared by both implementations: rate bound, size cap,
 * envelope and schema checks, the handler with a time bound, and the answer frame. It never throws:
 * every failure becomes an error frame and a log line naming the peer.
 */
import type { Logger } from 'pino'
import { DiscoveryError, FrameTooLargeError, NoHandlerError, RateLimitedError, SchemaError } from '../errors.js'
import type { HandleOptions, Json, RequestHandler } from '../types.js'
import { PeerRateLimiter } from './rate-limit.js'
import type { Env, Settings } from './settings.js'
import { deadline, raceSignal } from './signals.js'
import { decodeRequest, encodeError, encodeOk, wireErrorOf } from './wire.js'

export interface HandlerEntry {
  handler: RequestHandler<any>
  options: HandleOptions<any>
  maxRequestBytes: number
}

export class RequestServer {
  readonly handlers = new Map<string, HandlerEntry>()
  private readonly limiter: PeerRateLimiter
  private readonly log: Logger

  constructor (private readonly settings: Settings, env: Env) {
    this.limiter = new PeerRateLimiter(settings.rateLimit.burst, settings.rateLimit.perSecond, env.clock)
    this.log = env.logger.child({ part: 'requests' })
  }

  register<Req>(protocol: string, handler: RequestHandler<Req>, options: HandleOptions<Req> = {}): HandlerEntry {
    const entry = { handler, options, maxRequestBytes: options.maxRequestBytes ?? this.settings.maxFrameBytes }
    this.handlers.set(protocol, entry)
    return entry
  }

  /** Admission before reading: false means answer `rateLimited()` and close. */
  admit (peerId: string): boolean {
    return this.limiter.take(peerId)
  }

  /** An error frame for a failure detected outside `serve` (read errors, rate), logged with the peer. */
  reject (peerId: string, protocol: string, err: DiscoveryError): Uint8Array {
    this.log.warn({ peer: peerId, protocol, code: err.code, err: err.message }, 'rejected inbound request')
    return encodeError(err)
  }

  rateLimited (peerId: string, protocol: string): Uint8Array {
    return this.reject(peerId, protocol, new RateLimitedError(peerId))
  }

  /** Answer one request frame. */
  async serve (peerId: string, protocol: string, frame: Uint8Array): Promise<Uint8Array> {
    const entry = this.handlers.get(protocol)
    if (entry === undefined) return this.reject(peerId, protocol, new NoHandlerError(protocol))
    let body: unknown
    try {
      body = decodeRequest(frame, entry.maxRequestBytes)
      if (entry.options.validate !== undefined) {
        const r = entry.options.validate(body)
        if (!r.ok) throw new SchemaError(r.reason)
        body = r.value
      }
    } catch (err) {
      return this.reject(peerId, protocol, err instanceof DiscoveryError ? err : new SchemaError(String(err)))
    }
    const limit = deadline(entry.options.timeoutMs ?? this.settings.handlerTimeoutMs)
    let result: Json
    try {
      result = await raceSignal(
        Promise.resolve().then(async () => await entry.handler(body, { peerId, protocol, signal: limit.signal })),
        limit.signal, () => limit.error(`handler for ${protocol}`))
    } catch (err) {
      const wire = wireErrorOf(err)
      this.log.info({ peer: peerId, protocol, code: wire.code, err: wire.message }, 'handler failed')
      return encodeError(wire)
    }
    try {
      return encodeOk(result, this.settings.maxFrameBytes)
    } catch (err) {
      const e = err instanceof DiscoveryError ? err : new FrameTooLargeError(undefined, this.settings.maxFrameBytes)
      this.log.error({ peer: peerId, protocol, code: e.code, err: e.message }, 'handler produced an unsendable answer')
      return encodeError(e)
    }
  }
}
