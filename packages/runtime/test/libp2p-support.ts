// Real libp2p discovery nodes on 127.0.0.1 for the runtime's end-to-end tests: one listens alone,
// the others bootstrap from its address only, all share one cluster key (pnet PSK).
import { createLibp2pDiscovery, generateSwarmKey } from '@parley/discovery'
import type { Libp2pDiscovery } from '@parley/discovery'
import { silent, waitUntil } from './support.js'

export async function startLibp2pNodes (n: number, opts: { announceIntervalMs?: number, announcementTtlMs?: number } = {}): Promise<Libp2pDiscovery[]> {
  const psk = generateSwarmKey()
  const nodes: Libp2pDiscovery[] = []
  for (let i = 0; i < n; i++) {
    const bootstrap = nodes.length === 0 ? [] : [nodes[0]?.addresses()[0] as string]
    nodes.push(await createLibp2pDiscovery({
      listen: ['/ip4/127.0.0.1/tcp/0'],
      bootstrap,
      psk,
      stopTimeoutMs: 5000,
      announceIntervalMs: opts.announceIntervalMs ?? 2000,
      announcementTtlMs: opts.announcementTtlMs ?? 8000,
      requestTimeoutMs: 5000,
      queryTimeoutMs: 3000,
      provideTimeoutMs: 5000
    }, { logger: silent }))
  }
  // the DHT is usable once every node knows at least one other
  await waitUntil(() => nodes.every(p => ((p.libp2p.services.dht as unknown as { routingTable: { size: number } }).routingTable.size) > 0), 15_000, 100)
  return nodes
}

/** Stops nodes, each bounded, so a hung libp2p stop cannot hang the test. */
export async function stopNodes (nodes: Libp2pDiscovery[]): Promise<void> {
  await Promise.all(nodes.map(async n => {
    await Promise.race([n.stop().catch(() => {}), new Promise(resolve => setTimeout(resolve, 6000))])
  }))
}
