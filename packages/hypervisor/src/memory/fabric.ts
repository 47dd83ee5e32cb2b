// The "network" between memory hosts: a registry keyed by migration URI. One fabric per simulated
// cluster, created by whoever builds the cluster and handed to each host's init, so there is no
// module-level state and two simulations never see each other. A fabric that spans processes
// (TcpMemoryFabric) extends this one: its lookup() also dials memory+tcp:// URIs.

/** Whether a host owns a domain, holds an uncommitted incoming copy of it, or has neither. */
export type DomainHolding = 'owned' | 'incoming' | 'absent'

/**
 * What a memory host exposes to its peers for incoming migrations. Hosts in this process answer
 * synchronously; a peer in another process answers with a promise. Callers await only promises,
 * so the in-process fabric keeps its one-step semantics (no await between commit and hand-over).
 */
export interface MemoryPeer {
  readonly migrationUri: string
  /** Throws (a HypervisorError) when this host cannot take the domain now. */
  prepareIncoming (incoming: IncomingDomain): void | Promise<void>
  /** Called as the transfer goes; throws when the target died, which fails the migration. */
  checkIncoming (name: string, fraction: number): void | Promise<void>
  /**
   * Makes the incoming domain this host's own. In-process it is synchronous, so ownership moves in
   * one step; across processes it resolves once the destination has acknowledged the commit, and
   * throws a MigrationFailedError whose `location` says where the domain is otherwise.
   */
  commitIncoming (final: IncomingDomain): void | Promise<void>
  /** Best effort; never throws. */
  dropIncoming (name: string): void | Promise<void>
  /** Whether the domain with this name and uuid is this host's now. */
  holding (name: string, uuid: string): DomainHolding | Promise<DomainHolding>
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

  /** Releases what the fabric holds (the in-process one holds nothing). */
  async close (): Promise<void> {}
}

export function createMemoryFabric (): MemoryFabric {
  return new MemoryFabric()
}
