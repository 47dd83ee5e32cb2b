// The shutdown side of ims/consolidate.lcc: an empty host releases its resources by powering off
// through the Hypervisor, unless it is one of the reserve hosts kept on; where power-off is
// unsupported (libvirt: Parley never powers off a real host) it logs once and stays on, empty.
//   releaseResources(Reserve)   powers this empty host off unless it is one of the Reserve empty
//                               hosts kept on (consolidate-plan.ts keptAsReserve); false otherwise
//   isPoweredOn()               the host was powered on again (the agent resumes reporting)
//   sleep(Ms)                   waits Ms on the agent's clock
import type { Clock, Hypervisor, PowerState } from '@parley/hypervisor'
import { UnsupportedError } from '@parley/hypervisor'
import type { ConstraintFn } from '@parley/lcc'
import type { Logger } from 'pino'
import { codeOf, messageOf } from '../errors.js'
import type { LoadReport } from './cluster-load.js'
import { keptAsReserve } from './consolidate-plan.js'
import { numberOf } from './moves.js'

export interface PowerDeps {
  readonly hypervisor: Hypervisor
  readonly clock: Clock
  readonly self: () => string
  readonly cordoned: () => boolean
  /** Samples this host: whether it runs no VM and none migrates in or out. */
  readonly empty: () => Promise<boolean>
  readonly peers?: () => readonly LoadReport[]
  /**
   * Without per-host reports: the lowest ids of the empty hosts, as the histogram gossip spread
   * them (packing-sum.ts); null while the reports tell.
   */
  readonly gossipEmpty?: () => readonly string[] | null
  readonly powerChanged?: (state: PowerState) => void
}

export function powerComponents (deps: PowerDeps, log: Logger): Record<string, ConstraintFn> {
  const { hypervisor } = deps
  let unsupported = false

  async function releaseResources (reserve: number | null): Promise<boolean> {
    if (hypervisor.powerState() === 'off') return true
    if (unsupported || reserve === null) return false
    if (!await deps.empty()) return false
    if (!deps.cordoned()) {
      // a report without `domains` (an older peer) counts as empty when it shows no load
      const empty = deps.gossipEmpty?.() ?? (deps.peers?.() ?? []).filter(r => !r.cordoned && (r.domains ?? (r.load === 0 ? 0 : 1)) === 0).map(r => r.peer)
      if (keptAsReserve(deps.self(), empty, reserve)) {
        log.debug({ reserve, empty: empty.length + 1 }, 'empty host kept on as reserve')
        return false
      }
    }
    try {
      await hypervisor.powerOff()
    } catch (err) {
      if (err instanceof UnsupportedError) {
        unsupported = true
        log.info({ code: err.code, hint: err.hint }, 'host is empty; powering it off is not supported here, it stays on and takes no VM unless the cluster needs it')
      } else {
        log.warn({ code: codeOf(err), err: messageOf(err) }, 'power-off failed; the host stays on')
      }
      return false
    }
    log.info({ reserve }, 'empty host powered off')
    deps.powerChanged?.('off')
    return true
  }

  return {
    'releaseResources/1': async args => {
      const n = numberOf(args[0])
      return await releaseResources(n === null || !Number.isInteger(n) || n < 0 ? null : n)
    },
    'isPoweredOn/0': () => {
      if (hypervisor.powerState() !== 'on') return false
      deps.powerChanged?.('on')
      return true
    },
    'sleep/1': async args => {
      const ms = numberOf(args[0])
      if (ms === null || ms < 0) return false
      await deps.clock.sleep(ms)
      return true
    }
  }
}
