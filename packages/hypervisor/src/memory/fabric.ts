// The "network" between memory hosts: a registry keyed by migration URI. One fabric per simulated
// cluster, created by whoever builds the cluster and handed to each host's init, so there is no
// module-level state and two simulations never see each other.

/** What a memory host exposes to its peers for incoming migrations. */
export interface MemoryPeer {
  readonly migrationUri: string
  /** Throws (a HypervisorError) when this host cannot take the domain now. */
  prepareIncoming (incoming: IncomingDomain): void
  /** Called as the transfer goes; throws when the target died, which fails the migration. */
  checkIncoming (name: string, fraction: number): void
  /** Makes the incoming domain this host's own. Synchronous, so ownership moves in one step. */
  commitIncoming (final: IncomingDomain): void
  dropIncoming (name: string): void
}

export interface IncomingDomain {
  name: string
  uuid: string
  vcpus: number
  maxKiB: number
  currentKiB: number
  rssKiB: number | null
  cpuTimeNs: number
  cpuDemand: number
}

export class MemoryFabric {
  private readonly peers = new Map<string, MemoryPeer>()

  register (peer: MemoryPeer): void {
    const existing = this.peers.get(peer.migrationUri)
    if (existing !== undefined && existing !== peer) throw new Error(`memory fabric: ${peer.migrationUri} is already registered`)
    this.peers.set(peer.migrationUri, peer)
  }

  unregister (peer: MemoryPeer): void {
    if (this.peers.get(peer.migrationUri) === peer) this.peers.delete(peer.migrationUri)
  }

  lookup (uri: string): MemoryPeer | undefined {
    return this.peers.get(uri)
  }

  get uris (): string[] { return [...this.peers.keys()] }
}

export function createMemoryFabric (): MemoryFabric {
  return new MemoryFabric()
}
