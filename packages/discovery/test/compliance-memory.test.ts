import { createMemoryDiscovery, MemoryNetwork, type Discovery } from '../src/index.js'
import { complianceSuite } from './compliance.js'
import { silent } from './helpers.js'

const started: Discovery[] = []
let network = new MemoryNetwork({ seed: 7 })

complianceSuite({
  name: 'memory',
  baseInit: { announceIntervalMs: 0 },
  start: async (specs) => {
    network = new MemoryNetwork({ seed: 7 })
    const peers: Discovery[] = []
    for (const s of specs) {
      peers.push(await createMemoryDiscovery({ ...s.init, network }, { logger: silent, ...s.components }))
    }
    started.push(...peers)
    return peers
  },
  stopAll: async () => { await Promise.all(started.splice(0).map(async p => { await p.stop() })) }
})
