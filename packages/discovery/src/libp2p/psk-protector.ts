/**
 * The cluster's private-network protector, wire-compatible with libp2p pnet (swarm.key v1): each side
 * sends a random 24-byte nonce, then every byte is XORed with the XSalsa20 keystream of
 * (psk, sender's nonce). A node without the key cannot complete the next handshake (noise).
 *
 * Why not @libp2p/pnet: it uses the `xsalsa20` package, whose single WASM memory (max 64 MB) is
 * shared by every connection of the process. pnet never releases its 64-byte per-cipher slots, and
 * once that memory first grows (a message over ~600 KB, or ~5000 connections over the process's
 * life) every cipher's cached view is detached and each later update grows the memory again, until
 * Memory.grow throws and the connection (or the process) dies. This uses @noble/ciphers, which keeps
 * no shared state.
 */
import type { AbortOptions, ConnectionProtector, MessageStream, MultiaddrConnection } from '@libp2p/interface'
import { AbstractMultiaddrConnection, byteStream } from '@libp2p/utils'
import { xsalsa20 } from '@noble/ciphers/salsa.js'
import { parseSwarmKey } from '../keys.js'

const NONCE_BYTES = 24
const BLOCK = 64

/** An XSalsa20 keystream applied to a byte stream, chunk by chunk, at any alignment. */
export class XorStream {
  private position = 0
  constructor (private readonly key: Uint8Array, private readonly nonce: Uint8Array) {}

  update (data: Uint8Array): Uint8Array {
    const skip = this.position % BLOCK
    const counter = (this.position - skip) / BLOCK
    this.position += data.byteLength
    if (skip === 0) return xsalsa20(this.key, this.nonce, data, undefined, counter)
    // start mid-block: pad the front so the keystream lines up, then drop the padding
    const padded = new Uint8Array(skip + data.byteLength)
    padded.set(data, skip)
    return xsalsa20(this.key, this.nonce, padded, undefined, counter).subarray(skip)
  }
}

type SendChunk = Parameters<AbstractMultiaddrConnection['sendData']>[0]

class ProtectedConnection extends AbstractMultiaddrConnection {
  private readonly inbound: XorStream
  private readonly outbound: XorStream

  constructor (private readonly inner: MultiaddrConnection, key: Uint8Array, localNonce: Uint8Array, remoteNonce: Uint8Array) {
    super({ remoteAddr: inner.remoteAddr, direction: inner.direction, log: inner.log.newScope('psk') })
    this.inbound = new XorStream(key, remoteNonce)
    this.outbound = new XorStream(key, localNonce)
    inner.addEventListener('message', (evt) => {
      const data = evt.data
      if (data instanceof Uint8Array) this.onData(this.inbound.update(data))
      else for (const buf of data) this.onData(this.inbound.update(buf))
    })
    inner.addEventListener('drain', () => { this.onMuxerDrain() })
    inner.addEventListener('close', (evt) => {
      if (evt.error == null) this.onTransportClosed()
      else if (evt.local) this.abort(evt.error)
      else this.onRemoteReset()
    })
  }

  sendData (data: SendChunk): { sentBytes: number, canSendMore: boolean } {
    return { sentBytes: data.byteLength, canSendMore: this.inner.send(this.outbound.update(data.subarray())) }
  }

  async sendClose (options?: AbortOptions): Promise<void> { await this.inner.close(options) }
  sendReset (err: Error): void { this.inner.abort(err) }
  sendPause (): void { this.inner.pause() }
  sendResume (): void { this.inner.resume() }
}

class PskProtector implements ConnectionProtector {
  private readonly key: Uint8Array
  readonly [Symbol.toStringTag] = '@parley/psk-protector'

  constructor (swarmKey: string | Uint8Array, private readonly timeoutMs: number) {
    const text = new TextDecoder().decode(parseSwarmKey(swarmKey))
    const hex = text.split('\n')[2]
    this.key = Uint8Array.from(hex.match(/../g) ?? [], h => parseInt(h, 16))
  }

  async protect (connection: MessageStream, options?: AbortOptions): Promise<MessageStream> {
    const signal = options?.signal ?? AbortSignal.timeout(this.timeoutMs)
    const localNonce = crypto.getRandomValues(new Uint8Array(NONCE_BYTES))
    const bytes = byteStream(connection)
    const [remote] = await Promise.all([
      bytes.read({ bytes: NONCE_BYTES, signal }),
      bytes.write(localNonce, { signal })
    ])
    return new ProtectedConnection(bytes.unwrap() as MultiaddrConnection, this.key, localNonce, remote.subarray())
  }
}

/** A libp2p connectionProtector factory for a swarm.key (text or bytes). */
export function pskProtector (swarmKey: string | Uint8Array, timeoutMs = 5000): () => ConnectionProtector {
  const protector = new PskProtector(swarmKey, timeoutMs)
  return () => protector
}
