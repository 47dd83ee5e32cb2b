/**
 * The content-addressed artefact store: IM texts and constraint components. Publishing stores the
 * bytes locally and puts a provider record under their CID; fetching asks providers over a direct
 * stream and verifies the hash, and for components a signature by a trusted key.
 */
import type { Logger } from 'pino'
import { ArtefactNotFoundError, BadSignatureError, DiscoveryError, FrameTooLargeError, HashMismatchError, UnsignedComponentError } from '../errors.js'
import type { Artefact, ArtefactMeta, ArtefactStore, FetchOptions, StoredArtefact } from '../types.js'
import { artefactCid, parseArtefactHash } from './artefact-hash.js'
import { checkComponent, parsePublicKey, signatureValid } from './component-signature.js'
import type { Env, Settings } from './settings.js'
import { deadline } from './signals.js'
import type { ArtefactTransport, RoutingTransport } from './transport.js'

const PROVIDERS_TO_TRY = 3

export class Artefacts {
  private trusted: ReadonlySet<string>
  private readonly log: Logger

  constructor (
    private readonly routing: RoutingTransport,
    private readonly transport: ArtefactTransport,
    readonly store: ArtefactStore,
    private readonly settings: Settings,
    env: Env
  ) {
    this.trusted = new Set(settings.trustedKeys)
    this.log = env.logger.child({ part: 'artefacts' })
  }

  /**
   * Replace the keys whose component signatures this host accepts. Every key is checked before any
   * is applied, so a bad list leaves the old one in force. Components already held are checked
   * again on their next fetch, so a removed key stops them too.
   */
  setTrustedKeys (keys: readonly string[]): void {
    for (const k of keys) parsePublicKey(k)
    const next = new Set(keys)
    const added = [...next].filter(k => !this.trusted.has(k))
    const removed = [...this.trusted].filter(k => !next.has(k))
    this.trusted = next
    this.log.info({ trusted: next.size, added, removed }, 'trusted component keys replaced')
  }

  async publish (bytes: Uint8Array, meta: ArtefactMeta): Promise<string> {
    if (bytes.byteLength > this.settings.maxArtefactBytes) throw new FrameTooLargeError(bytes.byteLength, this.settings.maxArtefactBytes)
    const cid = await artefactCid(bytes)
    const hash = cid.toString()
    let signature = null
    if (meta.kind === 'component') {
      if (meta.signature === undefined) throw new UnsignedComponentError(hash)
      if (!await signatureValid(bytes, meta.signature)) throw new BadSignatureError(hash)
      signature = { publicKey: meta.signature.publicKey, signature: meta.signature.signature }
    }
    this.store.set(hash, { bytes: bytes.slice(), kind: meta.kind, signature })
    const d = deadline(this.settings.provideTimeoutMs)
    try {
      await this.routing.provide(cid, d.signal)
    } catch (err) {
      this.log.warn({ hash, err: (err as Error).message }, 'artefact stored locally but the DHT provide failed')
    }
    return hash
  }

  /** What this host serves for `hash` (the transport's server side). */
  serve (hash: string): StoredArtefact | undefined {
    return this.store.get(hash)
  }

  async fetch (hash: string, options: FetchOptions): Promise<Artefact> {
    const cid = parseArtefactHash(hash)
    const local = this.store.get(hash)
    if (local !== undefined) {
      const a = await this.verify(hash, local.bytes, local.signature, options, this.routing.selfId)
      return a
    }
    const d = deadline(options.timeoutMs ?? this.settings.queryTimeoutMs, options.signal)
    const providers: string[] = []
    try {
      await this.routing.findProviders(cid, d.signal, (peer) => {
        if (peer !== this.routing.selfId && !providers.includes(peer)) providers.push(peer)
        return providers.length < PROVIDERS_TO_TRY
      })
    } catch (err) {
      if (options.signal?.aborted === true) throw d.error('fetch')
      if (providers.length === 0 && d.signal.aborted) throw d.error(`fetch ${hash}`)
    }
    let last: Error = new ArtefactNotFoundError(hash)
    for (const peer of providers) {
      if (d.signal.aborted) throw d.error(`fetch ${hash}`)
      try {
        const reply = await this.transport.fetchFrom(peer, hash, d.signal)
        const a = await this.verify(hash, reply.bytes, reply.signature, options, peer)
        this.store.set(hash, { bytes: a.bytes, kind: options.kind, signature: reply.signature })
        return a
      } catch (err) {
        last = err instanceof DiscoveryError ? err : new ArtefactNotFoundError(hash)
        this.log.warn({ peer, hash, code: (err as DiscoveryError).code, err: (err as Error).message }, 'artefact provider failed')
      }
    }
    throw last
  }

  private async verify (hash: string, bytes: Uint8Array, signature: StoredArtefact['signature'], options: FetchOptions, from: string): Promise<Artefact> {
    if (bytes.byteLength > this.settings.maxArtefactBytes) throw new FrameTooLargeError(bytes.byteLength, this.settings.maxArtefactBytes)
    const actual = (await artefactCid(bytes)).toString()
    if (actual !== hash) throw new HashMismatchError(hash, actual)
    if (options.kind === 'component') await checkComponent(hash, bytes, signature, this.trusted)
    const a: Artefact = { hash, bytes, kind: options.kind, from }
    if (signature !== null) a.signature = signature
    return a
  }
}
