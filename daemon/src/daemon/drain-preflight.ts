// What a drain can and cannot do before it starts (also the --dry-run answer): each VM either has a
// way off this host or a reason why not.
import type { Discovery } from '@parley/discovery'
import type { DomainInfo } from '@parley/hypervisor'
import type { DrainVmResult } from '../control/index.js'

export interface PreflightFacts {
  attached: boolean
  subscriptions: string[]
  peers: string[]
  discovery: Discovery
}

const LIVE = new Set(['running', 'blocked', 'paused'])

export function preflight (vms: readonly DomainInfo[], facts: PreflightFacts): DrainVmResult[] {
  const common = commonBlocker(facts)
  return vms.map(vm => {
    if (!LIVE.has(vm.state)) return { vm: vm.name, outcome: 'unplaced', reason: `${vm.state}: live migration needs a running VM (start it, or move it by hand)` }
    if (vm.migrating === 'out') return { vm: vm.name, outcome: 'would-move', reason: 'already migrating' }
    if (common !== null) return { vm: vm.name, outcome: 'unplaced', reason: common }
    return { vm: vm.name, outcome: 'would-move', reason: `negotiated through ${facts.subscriptions.join(', ')} with ${facts.peers.length} connected peer${facts.peers.length === 1 ? '' : 's'}` }
  })
}

function commonBlocker (facts: PreflightFacts): string | null {
  if (!facts.attached) return 'this parleyd runs no policy runtime, so nothing negotiates the moves'
  if (facts.subscriptions.length === 0) return 'this host subscribes to no IM, so no peer negotiates the moves (parley subscribe ims/balance.lcc)'
  if (facts.peers.length === 0) return 'no peer is connected (check --bootstrap and the cluster key)'
  return null
}
