// The agents' migration events, with peer ids turned into host names. Only the source host's agent
// reports a move (it runs migration/2), so each move arrives once.
import type { AgentEvent } from '../daemon/agent.js'
import type { DemoCluster } from './cluster.js'

export type DemoEvent =
  | { type: 'migration', t: number, vm: string, from: string, to: string, cores: number, interaction: string }
  | { type: 'migration-failed', t: number, vm: string, from: string, to: string, interaction: string, code: string, reason: string }
  | { type: 'interaction-aborted', t: number, host: string, interaction: string, code: string, reason: string }

/** Calls `listener` for each move, failed move and aborted interaction; returns the unsubscriber. */
export function followMoves (cluster: DemoCluster, startedAt: number, listener: (e: DemoEvent) => void): () => void {
  const names = new Map(cluster.hosts.map(h => [h.daemon.host.discovery.peerId, h.name]))
  const name = (peer: unknown): string => typeof peer === 'string' ? names.get(peer) ?? peer : '?'
  const str = (x: unknown): string => typeof x === 'string' ? x : ''
  const offs = cluster.hosts.map(h => h.daemon.host.agent.on((e: AgentEvent) => {
    const t = Math.max(0, Math.round(e.at - startedAt))
    if (e.type === 'migration') {
      listener({ type: 'migration', t, vm: str(e.vm), from: name(e.from), to: name(e.to), cores: typeof e.cores === 'number' ? Math.round(e.cores * 1000) / 1000 : 0, interaction: str(e.interaction) })
    } else if (e.type === 'migration-failed') {
      listener({ type: 'migration-failed', t, vm: str(e.vm), from: h.name, to: name(e.to), interaction: str(e.interaction), code: str(e.code), reason: str(e.reason) })
    } else if (e.type === 'interaction-aborted') {
      listener({ type: 'interaction-aborted', t, host: h.name, interaction: str(e.interaction), code: str(e.code), reason: str(e.reason) })
    }
  }))
  return () => { for (const off of offs) off() }
}
