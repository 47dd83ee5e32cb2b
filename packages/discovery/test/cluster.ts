import { createLibp2pDiscovery, generateSwarmKey, routingTableSize, type Libp2pDiscovery, type Libp2pDiscoveryInit } from '../src/index.js'
import type { DiscoveryComponents, DiscoveryInit } from '../src/index.js'
import { silent, waitFor } from './helpers.js'

export interface ClusterPeer { init?: DiscoveryInit & Partial<Libp2pDiscoveryInit>, components?: DiscoveryComponents }

/**
 * Start libp2p peers on 127.0.0.1: the first listens alone, the others bootstrap from its address
 * only. Resolves once every peer has a non-empty DHT routing table.
 */
export async function startCluster (specs: ClusterPeer[], psk = generateSwarmKey(), readyMs = 15_000): Promise<Libp2pDiscovery[]> {
  const peers: Libp2pDiscovery[] = []
  for (const s of specs) {
    const bootstrap = peers.length === 0 ? [] : [peers[0].addresses()[0]]
    peers.push(await createLibp2pDiscovery({
      listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap, psk, stopTimeoutMs: 5000, ...s.init
    }, { logger: silent, ...s.components }))
  }
  if (peers.length > 1) {
    await waitFor(() => peers.every(p => routingTableSize(p.libp2p.services.dht) > 0), readyMs, 100)
  }
  return peers
}

export async function stopAll (peers: Libp2pDiscovery[]): Promise<void> {
  await Promise.all(peers.map(async p => { await p.stop() }))
}
