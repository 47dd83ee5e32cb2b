// Frames of the memory+tcp migration protocol: a 4-byte big-endian length, then that many bytes of
// UTF-8 JSON. Messages are a few hundred bytes, so the cap is small and a peer that announces more
// (or speaks another protocol: "GET " reads as a 1.2 GB length) is cut off before anything is read.
import { MigrationProtocolError } from '../errors.js'

/** Default largest frame body accepted, in bytes. */
export const MAX_FRAME_BYTES = 64 * 1024

export function encodeFrame (message: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8')
  const frame = Buffer.allocUnsafe(4 + body.length)
  frame.writeUInt32BE(body.length, 0)
  body.copy(frame, 4)
  return frame
}

/**
 * Splits a byte stream into decoded frames. push() returns the messages completed by a chunk; it
 * throws MigrationProtocolError for an oversize length (the stream cannot be resynchronised after
 * that) or a body that is not JSON.
 */
export class FrameReader {
  private chunks: Buffer[] = []
  private buffered = 0

  constructor (private readonly maxFrameBytes = MAX_FRAME_BYTES) {}

  push (chunk: Buffer): unknown[] {
    this.chunks.push(chunk)
    this.buffered += chunk.length
    const out: unknown[] = []
    for (;;) {
      if (this.buffered < 4) return out
      const head = this.take(4, false)
      const length = head.readUInt32BE(0)
      if (length > this.maxFrameBytes) throw new MigrationProtocolError(`frame of ${length} bytes exceeds the ${this.maxFrameBytes}-byte limit`)
      if (this.buffered < 4 + length) return out
      this.take(4, true)
      const body = this.take(length, true)
      try {
        out.push(JSON.parse(body.toString('utf8')))
      } catch (err) {
        throw new MigrationProtocolError(`frame body is not JSON (${(err as Error).message})`)
      }
    }
  }

  private take (n: number, consume: boolean): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0] as Buffer : Buffer.concat(this.chunks)
    this.chunks = [all]
    const head = all.subarray(0, n)
    if (consume) {
      this.chunks = n === all.length ? [] : [all.subarray(n)]
      this.buffered -= n
    }
    return head
  }
}
