/**
 * The request/response wire format, shared by both implementations so that they reject the same
 * inputs with the same codes. Every frame is one JSON document in UTF-8; libp2p carries it behind an
 * unsigned varint length prefix (lpStream), memory passes the bytes as they are.
 *   request:  {"v":1,"body":<json>}
 *   response: {"v":1,"ok":true,"body":<json>}
 *          or {"v":1,"ok":false,"error":{"code":"DISC_...","message":"...","hint":"..."}}
 */
import { BadFrameError, DiscoveryError, FrameTooLargeError, InvalidArgumentError, errorFromWire } from '../errors.js'
import type { Json } from '../types.js'

export const WIRE_VERSION = 1
const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

export function encodeJson (value: unknown, maxBytes: number): Uint8Array {
  let text: string
  try {
    text = JSON.stringify(value)
  } catch (err) {
    throw new InvalidArgumentError(`message is not JSON-serialisable: ${(err as Error).message}`)
  }
  const bytes = encoder.encode(text)
  if (bytes.byteLength > maxBytes) throw new FrameTooLargeError(bytes.byteLength, maxBytes)
  return bytes
}

export function decodeJson (bytes: Uint8Array, maxBytes: number): unknown {
  if (bytes.byteLength > maxBytes) throw new FrameTooLargeError(bytes.byteLength, maxBytes)
  let text: string
  try { text = decoder.decode(bytes) } catch { throw new BadFrameError('not UTF-8') }
  try { return JSON.parse(text) } catch { throw new BadFrameError('not JSON') }
}

function isObject (v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export function encodeRequest (body: Json, maxBytes: number): Uint8Array {
  return encodeJson({ v: WIRE_VERSION, body }, maxBytes)
}

export function decodeRequest (bytes: Uint8Array, maxBytes: number): unknown {
  const doc = decodeJson(bytes, maxBytes)
  if (!isObject(doc) || doc.v !== WIRE_VERSION || !('body' in doc)) throw new BadFrameError('not a v1 request envelope')
  return doc.body
}

export function encodeOk (body: Json, maxBytes: number): Uint8Array {
  return encodeJson({ v: WIRE_VERSION, ok: true, body }, maxBytes)
}

export function encodeError (err: { code: string, message: string, hint?: string | undefined }): Uint8Array {
  const error: Record<string, string> = { code: err.code, message: err.message.slice(0, 1000) }
  if (err.hint !== undefined) error.hint = err.hint.slice(0, 1000)
  return encoder.encode(JSON.stringify({ v: WIRE_VERSION, ok: false, error }))
}

/** Decode a response; an error response is thrown as the matching DiscoveryError (remote = true). */
export function decodeResponse (bytes: Uint8Array, maxBytes: number): unknown {
  const doc = decodeJson(bytes, maxBytes)
  if (!isObject(doc) || doc.v !== WIRE_VERSION || typeof doc.ok !== 'boolean') throw new BadFrameError('not a v1 response envelope')
  if (doc.ok) {
    if (!('body' in doc)) throw new BadFrameError('response without body')
    return doc.body
  }
  const e = doc.error
  if (!isObject(e) || typeof e.code !== 'string' || typeof e.message !== 'string') throw new BadFrameError('error response without code')
  throw errorFromWire(e.code, e.message, typeof e.hint === 'string' ? e.hint : undefined)
}

/** The code/message/hint to put on the wire for any thrown value. */
export function wireErrorOf (err: unknown): { code: string, message: string, hint?: string | undefined } {
  if (err instanceof DiscoveryError) return { code: err.code, message: err.message, hint: err.hint }
  if (isObject(err) && typeof err.code === 'string' && typeof err.message === 'string') {
    return { code: err.code, message: err.message, hint: typeof err.hint === 'string' ? err.hint : undefined }
  }
  return { code: 'DISC_HANDLER_FAILED', message: err instanceof Error ? err.message : String(err) }
}
