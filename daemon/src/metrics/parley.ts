// Parley's own metrics, from a snapshot the daemon takes at scrape time.
import { counter, gauge } from './exposition.js'
import type { MetricFamily } from './exposition.js'

export interface ParleySnapshot {
  version: string
  peerId: string
  backend: string
  ready: boolean
  peers: number
  subscriptions: number
  roles: Array<{ im: string, role: string, phase: string }>
  interactions: number
  vms: number
  capacity: { cpus: number, memoryKiB: number }
  cordoned: boolean
  drain: { active: boolean, remaining: number }
  counters: DaemonCounters
}

/** Counts since the daemon started, fed from agent events and reloads. */
export interface DaemonCounters {
  interactions: Record<string, number>
  migrations: Record<string, number>
  reloads: Record<string, number>
  controlRequests: number
}

export function newCounters (): DaemonCounters {
  return { interactions: {}, migrations: {}, reloads: {}, controlRequests: 0 }
}

export function bump (table: Record<string, number>, key: string): void {
  table[key] = (table[key] ?? 0) + 1
}

const byLabel = (label: string, table: Record<string, number>) =>
  Object.entries(table).map(([k, value]) => ({ labels: { [label]: k }, value }))

export function parleyMetrics (s: ParleySnapshot): MetricFamily[] {
  return [
    gauge('parley_info', 'Build and identity of this parleyd (value 1).', [{ labels: { version: s.version, peer_id: s.peerId, backend: s.backend }, value: 1 }]),
    gauge('parley_ready', '1 when the hypervisor, the peer-to-peer node and the control socket are up.', s.ready ? 1 : 0),
    gauge('parley_peers', 'Peers with an open connection.', s.peers),
    gauge('parley_subscriptions', 'Interaction models this host subscribes to.', s.subscriptions),
    gauge('parley_role', 'The role this host plays now in each subscribed IM (value 1).', s.roles.map(r => ({ labels: { im: r.im, role: r.role, phase: r.phase }, value: 1 }))),
    gauge('parley_interactions', 'Interactions this host takes part in now.', s.interactions),
    counter('parley_interactions_total', 'Interactions this host left, by outcome.', byLabel('outcome', s.counters.interactions)),
    counter('parley_migrations_total', 'VM migrations seen by this host, by result.', byLabel('result', s.counters.migrations)),
    gauge('parley_vms', 'VMs this host owns.', s.vms),
    gauge('parley_host_cpus', 'CPUs of this host.', s.capacity.cpus),
    gauge('parley_host_memory_bytes', 'Memory of this host.', s.capacity.memoryKiB * 1024),
    gauge('parley_cordoned', '1 when the host is cordoned (advertises no accepting role).', s.cordoned ? 1 : 0),
    gauge('parley_drain_active', '1 while a drain runs.', s.drain.active ? 1 : 0),
    gauge('parley_drain_vms_remaining', 'VMs the running drain still has to move.', s.drain.remaining),
    counter('parley_config_reloads_total', 'SIGHUP reloads, by result.', byLabel('result', s.counters.reloads)),
    counter('parley_control_requests_total', 'Requests on the control socket.', s.counters.controlRequests),
  ]
}
