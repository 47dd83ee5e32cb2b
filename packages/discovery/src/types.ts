/**
 * The contract of the discovery layer. Two implementations satisfy it: libp2p (real hosts) and
 * memory (simulator, tests). The runtime builds invitations, leases, the coordinator and remote
 * constraints on top of it and never sees libp2p types: peers are named by their id string.
 */
import type { Logger } from 'pino'

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** A peer id string: the libp2p peer id (12D3Koo...) or the memory peer's name. */
export type PeerIdString = string

export interface Clock { now(): number }

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** What a host announces on gossip about a role it plays now (the volatile fact). Frozen: receivers may share one. */
export interface Announcement {
  readonly peerId: PeerIdString
  readonly imHash: string
  readonly role: string
  readonly args: Json
  /** strictly increasing per announcing peer; older announcements are ignored */
  readonly seq: number
  /** the announcer's clock when it sent this */
  readonly sentAt: number
  /** the local clock when it arrived */
  readonly receivedAt: number
  /** local time after which the announcement is stale */
  readonly expiresAt: number
  /** true for a retraction published by withdraw() */
  readonly withdrawn: boolean
}

export interface Candidate {
  peerId: PeerIdString
  /** 'gossip': a fresh announcement (args known); 'dht': a provider record only (args unknown) */
  source: 'gossip' | 'dht'
  args?: Json
  announcement?: Announcement
}

export interface FindCandidatesOptions {
  signal?: AbortSignal
  /** stop after this many candidates (default 20) */
  limit?: number
  /** bound on the DHT query (default: init.queryTimeoutMs) */
  timeoutMs?: number
  /** order among gossip candidates, best first (default: most recent announcement first) */
  rank?: (a: Announcement, b: Announcement) => number
  /** skip the DHT even when gossip gave fewer than `limit` (default false) */
  gossipOnly?: boolean
  /** skip the gossip table (measures the DHT path alone; default false) */
  dhtOnly?: boolean
  /** also follow the IM's announcements from now on (default true; false for a one-off lookup) */
  follow?: boolean
}

export interface AdvertiseOptions {
  signal?: AbortSignal
  /** wait for the DHT provide to finish (bounded by provideTimeoutMs). Default true. */
  awaitDht?: boolean
}

export type ArtefactKind = 'im' | 'component'

// a type alias rather than an interface so that it is assignable to Json
export type ComponentSignature = {
  /** the signer's ed25519 public key as a string (the 12D3Koo... form) */
  publicKey: string
  /** base64 ed25519 signature over "parley-component/1\n" + the bytes */
  signature: string
}

export interface ArtefactMeta {
  kind: ArtefactKind
  /** required when kind is 'component' */
  signature?: ComponentSignature
}

export interface Artefact {
  hash: string
  bytes: Uint8Array
  kind: ArtefactKind
  signature?: ComponentSignature
  /** who served it: self or a provider */
  from: PeerIdString
}

export interface FetchOptions {
  /** what the caller will use the bytes as: 'component' enforces a trusted signature */
  kind: ArtefactKind
  signal?: AbortSignal
  timeoutMs?: number
}

export type ValidationResult<T> = { ok: true, value: T } | { ok: false, reason: string }
export type Validator<T> = (value: unknown) => ValidationResult<T>

export interface RequestContext {
  peerId: PeerIdString
  protocol: string
  signal: AbortSignal
}

export type RequestHandler<Req = unknown> = (body: Req, ctx: RequestContext) => Json | Promise<Json>

export interface HandleOptions<Req> {
  /** validates the request body; failures are answered with DISC_SCHEMA_INVALID */
  validate?: Validator<Req>
  /** request frame cap in bytes (default: init.maxFrameBytes) */
  maxRequestBytes?: number
  /** bound on the handler's run time (default: init.handlerTimeoutMs) */
  timeoutMs?: number
}

export interface RequestOptions<Res> {
  signal?: AbortSignal
  /** default: init.requestTimeoutMs */
  timeoutMs?: number
  /** validates the response body; failures throw SchemaError */
  validate?: Validator<Res>
  /** cap on the request and on the response frame (default: init.maxFrameBytes) */
  maxBytes?: number
}

export interface DiscoveryEvents {
  'peer:connect': { peerId: PeerIdString }
  'peer:disconnect': { peerId: PeerIdString }
  /** an announcement or retraction from another peer was accepted into the table */
  'announcement': Announcement
}

export type Unsubscribe = () => void

export interface Discovery {
  readonly peerId: PeerIdString
  /** multiaddrs (libp2p) or a memory address, as strings others can bootstrap from */
  addresses(): string[]
  /** peers with an open connection (memory: reachable peers of the network) */
  peers(): PeerIdString[]

  advertise(imHash: string, role: string, args: Json, options?: AdvertiseOptions): Promise<void>
  withdraw(imHash: string, role: string): Promise<void>
  findCandidates(imHash: string, role: string, options?: FindCandidatesOptions): Promise<Candidate[]>
  /**
   * Follow an IM's announcements (its gossip topic) without advertising: the table then stays warm
   * for fast lookups. advertise() and findCandidates() follow implicitly.
   */
  follow(imHash: string): void
  /** the fresh announcements this node holds for IMs it follows (no network traffic) */
  announcements(imHash: string, role?: string): Announcement[]

  publish(bytes: Uint8Array, meta: ArtefactMeta): Promise<string>
  fetch(hash: string, options: FetchOptions): Promise<Artefact>
  /**
   * Replace the public keys (12D3Koo... strings) whose component signatures fetch() accepts, e.g.
   * on a configuration reload. Throws DISC_BAD_KEY, keeping the old list, if any key is not an
   * ed25519 public key. Components already held are checked against the new list on their next fetch.
   */
  setTrustedKeys(keys: string[]): void

  handle<Req = unknown>(protocol: string, handler: RequestHandler<Req>, options?: HandleOptions<Req>): Promise<void>
  unhandle(protocol: string): Promise<void>
  request<Res = unknown>(peerId: PeerIdString, protocol: string, body: Json, options?: RequestOptions<Res>): Promise<Res>

  on<E extends keyof DiscoveryEvents>(event: E, listener: (detail: DiscoveryEvents[E]) => void): Unsubscribe
  stop(): Promise<void>
}

/** Options shared by both implementations. */
export interface DiscoveryInit {
  /** public keys (12D3Koo... strings) whose component signatures this host accepts */
  trustedKeys?: string[]
  /** cap on request and response frames (default 64 KiB) */
  maxFrameBytes?: number
  /** cap on an artefact (default 4 MiB) */
  maxArtefactBytes?: number
  /** inbound requests per peer: burst size and refill per second (default 100 / 50) */
  rateLimit?: { burst: number, perSecond: number }
  /** time to read one request frame (default 5 s) */
  readTimeoutMs?: number
  requestTimeoutMs?: number
  handlerTimeoutMs?: number
  queryTimeoutMs?: number
  provideTimeoutMs?: number
  /** lifetime of a received announcement (default 30 s) */
  announcementTtlMs?: number
  /** re-publication period of our own announcements (default 10 s; 0 disables) */
  announceIntervalMs?: number
}

/** An artefact as held by the host that serves it. */
export interface StoredArtefact {
  bytes: Uint8Array
  kind: ArtefactKind
  signature: ComponentSignature | null
}

/** The local artefact store, keyed by hash; injectable so tests can corrupt a provider's copy. */
export type ArtefactStore = Map<string, StoredArtefact>

export interface DiscoveryComponents {
  logger?: Logger
  clock?: Clock
  timers?: Timers
  artefacts?: ArtefactStore
}
