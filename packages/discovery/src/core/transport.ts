import type { CID } from 'multiformats/cid'

/**
 * What the shared logic (roles, artefacts) needs from a network. The libp2p and memory
 * implementations each provide one; everything above it is common code.
 */
export interface RoutingTransport {
  readonly selfId: string
  subscribe(topic: string): void
  publish(topic: string, bytes: Uint8Array): Promise<void>
  /** Put a provider record for `key`; resolves when the record is stored (or throws). */
  provide(key: CID, signal: AbortSignal): Promise<void>
  /** Forget our own provider record (others may still hold copies until they expire). */
  unprovide(key: CID): Promise<void>
  /** Stream provider ids for `key` to `onProvider` until it returns false, the query ends or `signal` fires. */
  findProviders(key: CID, signal: AbortSignal, onProvider: (peerId: string) => boolean): Promise<void>
  /** Make sure we hold a connection to `peerId` (so gossip can flow); no-op where all are connected. */
  connect(peerId: string, signal: AbortSignal): Promise<void>
}

export interface ArtefactReply {
  bytes: Uint8Array
  signature: { publicKey: string, signature: string } | null
}

export interface ArtefactTransport {
  /** Ask `peerId` for the artefact `hash`; the reply is NOT yet verified. */
  fetchFrom(peerId: string, hash: string, signal: AbortSignal): Promise<ArtefactReply>
}
