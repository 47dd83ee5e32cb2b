/**
 * One worker process of the lookup bench: runs some of the cluster's libp2p nodes and answers the
 * bench process's calls (start nodes, advertise, follow, look up, report load and memory). Every
 * latency is measured here, inside the process that runs the lookup, so IPC adds nothing to it.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { pino } from 'pino'
import { createLibp2pDiscovery, routingTableSize, type DiscoveryStats, type Libp2pDiscovery, type Libp2pDiscoveryInit } from '../src/index.js'
import { serveCalls } from './ipc.js'
import { traceQueries, type QueryTrace } from './query-trace.js'

const logger = pino({ level: 'error' })
const nodes: Libp2pDiscovery[] = []
const tracers: Array<ReturnType<typeof traceQueries>> = []
const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }
const wallNow = (): number => performance.timeOrigin + performance.now()
const rt = (p: Libp2pDiscovery): number => routingTableSize(p.libp2p.services.dht)

function rss (): number {
  global.gc?.()
  return process.memoryUsage().rss
}

const lag = monitorEventLoopDelay({ resolution: 10 })
lag.enable()
let cpuMark = process.cpuUsage()
let wallMark = performance.now()

const traffic = (): DiscoveryStats => {
  const t: DiscoveryStats = { dhtQueries: 0, dhtMessages: 0, gossipPublished: 0, gossipReceived: 0 }
  for (const n of nodes) {
    const s = n.stats()
    t.dhtQueries += s.dhtQueries
    t.dhtMessages += s.dhtMessages
    t.gossipPublished += s.gossipPublished
    t.gossipReceived += s.gossipReceived
  }
  return t
}
let trafficMark = traffic()

/** announcement arrivals recorded by `listen`: follower, args.k, wall-clock ms */
const arrivals: Array<{ peer: string, k: number, at: number }> = []

export interface StartArgs { count: number, psk: string, bootstrap: string[], init: Partial<Libp2pDiscoveryInit>, batch: number }
export interface LookupArgs { node: number, im: string, role: string, limit: number, timeoutMs: number, path: 'dht' | 'gossip' }
export interface LookupResult { ms: number, found: string[], error: string | null, trace: QueryTrace | null }

serveCalls({
  start: async (a: StartArgs) => {
    const made: Libp2pDiscovery[] = []
    for (let i = 0; i < a.count; i += a.batch) {
      const batch = await Promise.all(Array.from({ length: Math.min(a.batch, a.count - i) }, async () =>
        await createLibp2pDiscovery({ ...a.init, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: a.bootstrap, psk: a.psk, stopTimeoutMs: 15_000 }, { logger })))
      made.push(...batch)
      // let each batch join before the next: a burst of handshakes starves the bootstrap node
      if (a.bootstrap.length > 0) for (let w = 0; w < 150 && !batch.every(p => rt(p) > 0); w++) await sleep(200)
    }
    for (const n of made) { nodes.push(n); tracers.push(traceQueries(n)) }
    return made.map(n => ({ peerId: n.peerId, addr: n.addresses()[0] }))
  },

  tables: () => nodes.map(rt),
  /** per node: routing-table size, open connections, routing-table peers with an open connection */
  links: () => nodes.map(n => {
    const kb = (n.libp2p.services.dht as unknown as { routingTable: { kb: { toIterable: () => Iterable<{ peerId: { toString: () => string } }> } } }).routingTable.kb
    const connected = new Set(n.libp2p.getConnections().map(c => c.remotePeer.toString()))
    const table = [...kb.toIterable()].map(p => p.peerId.toString())
    return { rt: table.length, conns: connected.size, rtConnected: table.filter(p => connected.has(p)).length }
  }),

  advertise: async (a: { node: number, im: string, role: string, args: any, awaitDht: boolean }) => {
    const sentAt = wallNow()
    const t = performance.now()
    await nodes[a.node].advertise(a.im, a.role, a.args, { awaitDht: a.awaitDht })
    return { sentAt, ms: performance.now() - t }
  },

  follow: (a: { nodes: number[], im: string }) => { for (const i of a.nodes) nodes[i].follow(a.im) },

  listen: (a: { nodes: number[], im: string }) => {
    arrivals.length = 0
    for (const i of a.nodes) {
      const self = nodes[i].peerId
      nodes[i].on('announcement', (x) => {
        const k = (x.args as { k?: unknown } | null)?.k
        if (x.imHash === a.im && typeof k === 'number') arrivals.push({ peer: self, k, at: wallNow() })
      })
    }
  },
  arrivals: () => arrivals.slice(),

  lookup: async (a: LookupArgs): Promise<LookupResult> => {
    const n = nodes[a.node]
    const tracer = tracers[a.node]
    if (a.path === 'dht') tracer.begin()
    const t = performance.now()
    let found: string[] = []
    let error: string | null = null
    try {
      const cs = await n.findCandidates(a.im, a.role, a.path === 'dht'
        ? { dhtOnly: true, follow: false, limit: a.limit, timeoutMs: a.timeoutMs }
        : { gossipOnly: true, limit: a.limit })
      found = cs.map(c => c.peerId)
    } catch (err) {
      error = (err as { code?: string }).code ?? (err as Error).message
    }
    const ms = performance.now() - t
    return { ms, found, error, trace: a.path === 'dht' ? tracer.end() : null }
  },

  /** Event-loop delay, CPU and the nodes' own traffic since the last reset (reset: true starts a new window). */
  load: (a: { reset?: boolean }) => {
    const cpu = process.cpuUsage(cpuMark)
    const wall = performance.now() - wallMark
    const now = traffic()
    const out = {
      nodes: nodes.length,
      lagP50: lag.percentile(50) / 1e6,
      lagP99: lag.percentile(99) / 1e6,
      lagMax: lag.max / 1e6,
      cores: (cpu.user + cpu.system) / 1000 / Math.max(1, wall),
      /** per second, all of this worker's nodes together */
      dhtQueries: (now.dhtQueries - trafficMark.dhtQueries) * 1000 / Math.max(1, wall),
      dhtRequests: (now.dhtMessages - trafficMark.dhtMessages) * 1000 / Math.max(1, wall),
      gossipReceived: (now.gossipReceived - trafficMark.gossipReceived) * 1000 / Math.max(1, wall)
    }
    if (a.reset === true) { lag.reset(); cpuMark = process.cpuUsage(); wallMark = performance.now(); trafficMark = now }
    return out
  },

  memory: () => ({ nodes: nodes.length, rss: rss() }),

  exit: async () => {
    await Promise.all(nodes.map(async n => { await n.stop() }))
    // every stop is bounded; do not wait for stragglers of abandoned stops
    setTimeout(() => { process.exit(0) }, 50)
  }
})
