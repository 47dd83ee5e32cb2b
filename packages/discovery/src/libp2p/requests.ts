/**
 * Request/response over libp2p streams: one stream per request, one length-prefixed (unsigned
 * varint) frame each way, then close. The frame contents are the shared wire format (core/wire.ts).
 */
import type { Connection, Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { lpStream } from '@libp2p/utils'
import type { Libp2p } from 'libp2p'
import type { Logger } from 'pino'
import { DiscoveryError, InvalidArgumentError, NoHandlerError, PeerUnreachableError } from '../errors.js'
import type { RequestServer } from '../core/request-server.js'
import type { Settings } from '../core/settings.js'
import { deadline } from '../core/signals.js'
import { readError } from './read-errors.js'

export const MAX_STREAMS_PER_CONNECTION = 32

/** Serve one inbound request stream. Never throws; a bad peer only gets an error frame. */
export async function serveStream (server: RequestServer, settings: Settings, log: Logger, protocol: string, stream: Stream, connection: Connection): Promise<void> {
  const peer = connection.remotePeer.toString()
  const max = server.handlers.get(protocol)?.maxRequestBytes ?? settings.maxFrameBytes
  const lp = lpStream(stream, { maxDataLength: max })
  let reply: Uint8Array
  if (!server.admit(peer)) {
    reply = server.rateLimited(peer, protocol)
  } else {
    const timeout = AbortSignal.timeout(settings.readTimeoutMs)
    try {
      const frame = await lp.read({ signal: timeout })
      reply = await server.serve(peer, protocol, frame.subarray())
    } catch (err) {
      reply = server.reject(peer, protocol, readError(err, max, timeout.aborted))
    }
  }
  try {
    const signal = AbortSignal.timeout(settings.readTimeoutMs)
    await lp.write(reply, { signal })
    await stream.close({ signal })
  } catch (err) {
    log.debug({ peer, protocol, err: (err as Error).message }, 'could not deliver the answer')
    stream.abort(err as Error)
  }
}

export interface ClientOptions { signal?: AbortSignal, timeoutMs?: number, maxBytes?: number }

/** Open a stream to `peerId`, send one frame, read one frame back. */
export async function exchange (node: Libp2p<any>, settings: Settings, peerId: string, protocol: string, frame: Uint8Array, o: ClientOptions): Promise<Uint8Array> {
  let target
  try { target = peerIdFromString(peerId) } catch { throw new InvalidArgumentError(`"${peerId.slice(0, 80)}" is not a peer id`) }
  const max = o.maxBytes ?? settings.maxFrameBytes
  const d = deadline(o.timeoutMs ?? settings.requestTimeoutMs, o.signal)
  let stream: Stream
  try {
    stream = await node.dialProtocol(target, protocol, { signal: d.signal })
  } catch (err) {
    if (d.signal.aborted) throw d.error(`${protocol} to ${peerId}`)
    if ((err as Error).name === 'UnsupportedProtocolError') throw new NoHandlerError(protocol)
    throw new PeerUnreachableError(peerId, err)
  }
  try {
    const lp = lpStream(stream, { maxDataLength: max })
    await lp.write(frame, { signal: d.signal })
    const reply = await lp.read({ signal: d.signal })
    await stream.close({ signal: d.signal }).catch(() => {})
    return reply.subarray()
  } catch (err) {
    stream.abort(err as Error)
    if (d.signal.aborted) throw d.error(`${protocol} to ${peerId}`)
    if (err instanceof DiscoveryError) throw err
    throw readError(err, max, false)
  }
}
