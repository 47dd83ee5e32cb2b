import type { Libp2pDiscovery } from '../src/index.js'
import { complianceSuite } from './compliance.js'
import { startCluster, stopAll } from './cluster.js'

const started: Libp2pDiscovery[] = []

complianceSuite({
  name: 'libp2p',
  baseInit: { announceIntervalMs: 1000 },
  start: async (specs) => {
    const peers = await startCluster(specs)
    started.push(...peers)
    return peers
  },
  stopAll: async () => { await stopAll(started.splice(0)) }
})
