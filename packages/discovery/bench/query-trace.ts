/**
 * Where a DHT lookup's time goes: wraps a node's kad-dht findProviders so that each event of the
 * query the discovery runs is timed (bench instrumentation only; the discovery is not changed).
 */
import type { Libp2pDiscovery } from '../src/index.js'

export interface QueryTrace {
  /** ms from the lookup's start */
  firstSend: number | null
  firstResponse: number | null
  firstProvider: number | null
  /** requests whose stream opened (SEND_QUERY) */
  sends: number
  responses: number
  errors: number
  /** DIAL_PEER to a peer with no open connection: a TCP + PSK + noise + yamux handshake first */
  newDials: number
  /** DIAL_PEER -> SEND_QUERY (stream open) on an existing connection, and on a new one */
  openReused: number[]
  openNew: number[]
  /** SEND_QUERY -> PEER_RESPONSE (request written, answer read) */
  answer: number[]
  /** the provider came from the seeker's own store (it is one of the key's closest peers) */
  local: boolean
}

interface Tracer { begin: () => void, end: () => QueryTrace }

export function traceQueries (node: Libp2pDiscovery): Tracer {
  const dht = node.libp2p.services.dht as unknown as { findProviders: (...a: unknown[]) => AsyncIterable<any> }
  const original = dht.findProviders.bind(dht)
  const self = node.peerId
  let t0 = 0
  let trace: QueryTrace | null = null
  const pending = new Map<string, { at: number, reused: boolean }>()
  const sentAt = new Map<string, number>()

  dht.findProviders = async function * (...args: unknown[]) {
    for await (const ev of original(...args)) {
      const tr = trace
      if (tr !== null) {
        const now = performance.now() - t0
        const peer: string | undefined = (ev.peer ?? ev.to ?? ev.from)?.toString()
        if (ev.name === 'DIAL_PEER' && peer !== undefined) {
          const reused = node.libp2p.getConnections(ev.peer).length > 0
          if (!reused) tr.newDials++
          pending.set(peer, { at: now, reused })
        } else if (ev.name === 'SEND_QUERY' && peer !== undefined) {
          tr.sends++
          tr.firstSend ??= now
          const p = pending.get(peer)
          if (p !== undefined) (p.reused ? tr.openReused : tr.openNew).push(now - p.at)
          sentAt.set(peer, now)
        } else if (ev.name === 'PEER_RESPONSE' && peer !== undefined) {
          if (peer !== self) {
            tr.responses++
            tr.firstResponse ??= now
            const s = sentAt.get(peer)
            if (s !== undefined) tr.answer.push(now - s)
          }
          // the discovery takes providers from the response (the local store answers as one too)
          if (ev.providers.length > 0 && tr.firstProvider === null) {
            tr.firstProvider = now
            tr.local = peer === self
          }
        } else if (ev.name === 'QUERY_ERROR') {
          tr.errors++
        }
      }
      yield ev
    }
  }

  return {
    begin: () => {
      pending.clear()
      sentAt.clear()
      t0 = performance.now()
      trace = { firstSend: null, firstResponse: null, firstProvider: null, sends: 0, responses: 0, errors: 0, newDials: 0, openReused: [], openNew: [], answer: [], local: false }
    },
    end: () => {
      const tr = trace
      trace = null
      if (tr === null) throw new Error('no trace begun')
      return tr
    }
  }
}
