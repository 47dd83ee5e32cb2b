// The answers to status, peers and vms, built from the host's parts.
import type { PeersResult, PeerView, StatusResult, VmsResult } from '../control/index.js'
import { PROTOCOL_VERSION } from '../control/index.js'
import type { Host } from './host.js'

const iso = (ms: number): string => Number.isFinite(ms) ? new Date(ms).toISOString() : 'unknown'

/** IM names by the hash the agent uses (the runtime may hash differently from the daemon). */
function imNames (host: Host): Map<string, string> {
  const names = new Map<string, string>()
  for (const s of host.subscriptions.values()) names.set(s.hash, s.name)
  for (const slot of host.agent.status().slots) names.set(slot.imHash, slot.name)
  return names
}

export async function statusView (host: Host): Promise<StatusResult> {
  const agent = host.agent.status()
  const names = imNames(host)
  const vms = await host.hypervisor.list().catch(() => [])
  return {
    version: host.version,
    protocol: PROTOCOL_VERSION,
    peerId: host.discovery.peerId,
    addresses: host.discovery.addresses(),
    hypervisor: { uri: host.config().hypervisor, backend: host.hypervisor.backend, host: host.hostInfo.hostname, migrationUri: host.hostInfo.migrationUri },
    runtime: host.agent.attached ? 'attached' : 'absent',
    subscriptions: [...host.subscriptions.values()].map(s => ({
      name: s.name, hash: s.hash, since: s.since,
      roles: agent.slots.filter(sl => sl.name === s.name && sl.role !== '').map(sl => sl.role),
    })),
    roles: agent.slots.filter(s => s.role !== '').map(s => ({ im: s.name, role: s.role, args: { phase: s.phase, interaction: s.interaction } })),
    interactions: agent.interactions.map(i => ({
      id: i.id,
      im: names.get(i.imHash) ?? i.imHash,
      role: agent.slots.find(s => s.interaction === i.id)?.role ?? '',
      coordinator: i.coordinator,
      peers: i.participants,
      startedAt: iso(i.startedAt),
    })),
    cordoned: host.cordoned,
    draining: host.drain.state().active,
    peers: host.discovery.peers().length,
    vms: vms.filter(v => v.migrating !== 'in').length,
    uptimeS: Math.round((host.clock.now() - host.startedAt) / 1000),
  }
}

export function peersView (host: Host): PeersResult {
  const byPeer = new Map<string, PeerView>()
  for (const peerId of host.discovery.peers()) byPeer.set(peerId, { peerId, roles: [] })
  for (const [hash, name] of imNames(host)) {
    for (const a of host.discovery.announcements(hash)) {
      if (a.withdrawn) continue
      const view = byPeer.get(a.peerId) ?? { peerId: a.peerId, roles: [] }
      view.roles.push({ im: name, role: a.role })
      byPeer.set(a.peerId, view)
    }
  }
  return { peers: [...byPeer.values()].sort((a, b) => a.peerId.localeCompare(b.peerId)) }
}

export async function vmsView (host: Host): Promise<VmsResult> {
  const [capacity, domains] = await Promise.all([host.hypervisor.capacity(), host.hypervisor.list()])
  return {
    host: host.hostInfo.hostname,
    capacity: { cpus: capacity.cpus, memoryMiB: Math.round(capacity.memoryKiB / 1024) },
    vms: domains.map(d => ({
      name: d.name,
      uuid: d.uuid,
      state: d.state,
      vcpus: d.vcpus,
      memoryMiB: Math.round(d.memory.maxKiB / 1024),
      cpuTimeS: Math.round(d.cpuTimeNs / 1e7) / 100,
      migrating: d.migrating ?? null,
    })).sort((a, b) => a.name.localeCompare(b.name)),
  }
}
