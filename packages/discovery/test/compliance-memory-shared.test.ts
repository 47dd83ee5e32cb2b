// The Discovery contract again, on a memory network whose peers share one announcement table
// (MemoryNetworkInit.sharedAnnouncements, the simulator's mode): the same behaviour at O(1) per announcement.
import { createMemoryDiscovery, MemoryNetwork, type Discovery } from '../src/index.js'
import { complianceSuite } from './compliance.js'
import { silent } from './helpers.js'

const started: Discovery[] = []

complianceSuite({
  name: 'memory, shared announcements',
  baseInit: { announceIntervalMs: 0 },
  start: async (specs) => {
    const network = new MemoryNetwork({ seed: 7, sharedAnnouncements: true })
    const peers: Discovery[] = []
    for (const s of specs) {
      peers.push(await createMemoryDiscovery({ ...s.init, network }, { logger: silent, ...s.components }))
    }
    started.push(...peers)
    return peers
  },
  stopAll: async () => { await Promise.all(started.splice(0).map(async p => { await p.stop() })) }
})
