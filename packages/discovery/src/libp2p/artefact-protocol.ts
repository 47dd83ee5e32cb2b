/**
 * /parley/artefact/1: fetch one artefact by hash.
 *   request frame:  {"v":1,"hash":"bafkrei..."}
 *   answer frames:  {"v":1,"ok":true,"body":{"size":<n>,"signature":{"publicKey":"12D3Koo...","signature":"<base64>"}|null}}
 *                   then the artefact bytes as one frame
 *               or  one error envelope (core/wire.ts), e.g. DISC_ARTEFACT_NOT_FOUND
 * The fetcher verifies hash and signature itself; nothing the server says is trusted.
 */
import type { Connection, Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { lpStream } from '@libp2p/utils'
import type { Libp2p } from 'libp2p'
import type { Logger } from 'pino'
import { ArtefactNotFoundError, BadFrameError, DiscoveryError, FrameTooLargeError, PeerUnreachableError, RateLimitedError } from '../errors.js'
import type { Artefacts } from '../core/artefacts.js'
import type { Settings } from '../core/settings.js'
import type { ArtefactReply } from '../core/transport.js'
import { decodeJson, decodeResponse, encodeError, encodeJson, encodeOk } from '../core/wire.js'
import { readError } from './read-errors.js'

export const ARTEFACT_PROTOCOL = '/parley/artefact/1'
const HEADER_MAX = 4096

export async function serveArtefact (artefacts: Artefacts, admit: (peer: string) => boolean, settings: Settings, log: Logger, stream: Stream, connection: Connection): Promise<void> {
  const peer = connection.remotePeer.toString()
  const lp = lpStream(stream, { maxDataLength: HEADER_MAX })
  const signal = AbortSignal.timeout(settings.readTimeoutMs)
  try {
    let frames: Uint8Array[]
    try {
      if (!admit(peer)) throw new RateLimitedError(peer)
      const req = decodeJson((await lp.read({ signal })).subarray(), HEADER_MAX) as { v?: unknown, hash?: unknown }
      if (typeof req !== 'object' || req === null || req.v !== 1 || typeof req.hash !== 'string') throw new BadFrameError('not a v1 artefact request')
      const a = artefacts.serve(req.hash)
      if (a === undefined) throw new ArtefactNotFoundError(req.hash)
      frames = [encodeOk({ size: a.bytes.byteLength, signature: a.signature }, HEADER_MAX), a.bytes]
    } catch (err) {
      const e = readError(err, HEADER_MAX, signal.aborted)
      if (e.code !== 'DISC_ARTEFACT_NOT_FOUND') log.warn({ peer, code: e.code, err: e.message }, 'rejected artefact request')
      frames = [encodeError(e)]
    }
    await lp.writeV(frames, { signal: AbortSignal.timeout(settings.requestTimeoutMs) })
    await stream.close({ signal: AbortSignal.timeout(settings.readTimeoutMs) })
  } catch (err) {
    stream.abort(err as Error)
  }
}

export async function fetchArtefactFrom (node: Libp2p<any>, settings: Settings, peerId: string, hash: string, signal: AbortSignal): Promise<ArtefactReply> {
  let stream: Stream
  try {
    stream = await node.dialProtocol(peerIdFromString(peerId), ARTEFACT_PROTOCOL, { signal })
  } catch (err) {
    if (signal.aborted) throw err
    throw new PeerUnreachableError(peerId, err)
  }
  try {
    const lp = lpStream(stream, { maxDataLength: Math.max(HEADER_MAX, settings.maxArtefactBytes) })
    await lp.write(encodeJson({ v: 1, hash }, HEADER_MAX), { signal })
    const header = decodeResponse((await lp.read({ signal })).subarray(), HEADER_MAX) as { size?: unknown, signature?: unknown }
    if (typeof header !== 'object' || header === null || typeof header.size !== 'number') throw new BadFrameError('artefact header without size')
    if (header.size > settings.maxArtefactBytes) throw new FrameTooLargeError(header.size, settings.maxArtefactBytes)
    const bytes = (await lp.read({ signal })).subarray()
    await stream.close({ signal }).catch(() => {})
    const sig = header.signature
    const signature = typeof sig === 'object' && sig !== null && typeof (sig as any).publicKey === 'string' && typeof (sig as any).signature === 'string'
      ? { publicKey: (sig as any).publicKey as string, signature: (sig as any).signature as string }
      : null
    return { bytes, signature }
  } catch (err) {
    stream.abort(err as Error)
    if (err instanceof DiscoveryError) throw err
    throw readError(err, settings.maxArtefactBytes, signal.aborted)
  }
}
