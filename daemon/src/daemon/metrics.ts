// The daemon's side of /metrics: a snapshot of the host at scrape time, and counters fed by events.
import { parleyMetrics, processMetrics, bump } from '../metrics/index.js'
import type { MetricFamily } from '../metrics/index.js'
import type { AgentEvent } from './agent.js'
import type { Host } from './host.js'

export async function collectMetrics (host: Host): Promise<MetricFamily[]> {
  const agent = host.agent.status()
  const [capacity, vms] = await Promise.all([
    host.hypervisor.capacity().catch(() => ({ cpus: 0, memoryKiB: 0 })),
    host.hypervisor.list().catch(() => []),
  ])
  const drain = host.drain.state()
  return [
    ...processMetrics(performance.timeOrigin),
    ...parleyMetrics({
      version: host.version,
      peerId: host.discovery.peerId,
      backend: host.hypervisor.backend,
      ready: host.ready,
      peers: host.discovery.peers().length,
      subscriptions: host.subscriptions.size,
      roles: agent.slots.filter(s => s.role !== '').map(s => ({ im: s.name, role: s.role, phase: s.phase })),
      interactions: agent.interactions.length,
      vms: vms.filter(v => v.migrating !== 'in').length,
      capacity,
      cordoned: host.cordoned,
      drain: { active: drain.active, remaining: drain.remaining },
      counters: host.counters,
    }),
  ]
}

/** Counts interactions and migrations from the agent's events, and logs them. */
export function countAgentEvents (host: Host, e: AgentEvent): void {
  const log = host.log
  switch (e.type) {
    case 'left':
      bump(host.counters.interactions, String(e.outcome))
      break
    case 'migration':
      bump(host.counters.migrations, e.from === host.hostInfo.migrationUri || e.from === host.discovery.peerId ? 'out' : 'in')
      log.info({ vm: e.vm, from: e.from, to: e.to }, 'migration done')
      break
    case 'migration-failed':
      bump(host.counters.migrations, 'failed')
      log.warn({ vm: e.vm, to: e.to, code: e.code, reason: e.reason }, 'migration failed')
      break
  }
}
