/**
 * The Discovery contract over a real libp2p node.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { Libp2p } from 'libp2p'
import type { CID } from 'multiformats/cid'
import { Artefacts } from '../core/artefacts.js'
import { Emitter } from '../core/events.js'
import { RequestServer } from '../core/request-server.js'
import { Roles } from '../core/roles.js'
import { sharedMethods } from '../core/shared-methods.js'
import { resolveEnv, resolveSettings, type Env } from '../core/settings.js'
import type { RoutingTransport } from '../core/transport.js'
import { validated } from '../core/validate.js'
import { decodeResponse, encodeRequest } from '../core/wire.js'
import { StoppedError } from '../errors.js'
import type { Discovery, DiscoveryComponents, DiscoveryInit, Json, RequestOptions } from '../types.js'
import { ARTEFACT_PROTOCOL, fetchArtefactFrom, serveArtefact } from './artefact-protocol.js'
import { buildNode, DEFAULT_PROVIDER_QUORUM, DEFAULT_QUERY_SELF_INTERVAL_MS, routingTableSize, type NodeOptions, type ParleyServices } from './node.js'
import { readProviderQuery } from './provider-query.js'
import { exchange, MAX_STREAMS_PER_CONNECTION, serveStream } from './requests.js'
import { SelfQueryWarmUp } from './self-query.js'

export interface Libp2pDiscoveryInit extends DiscoveryInit, NodeOptions {
  /** bound on stop(); upstream stop can hang (js-libp2p#2625). Default 10 s */
  stopTimeoutMs?: number
  /**
   * How often a node with no DHT peers re-dials its bootstrap list (default 5 s; 0 disables).
   * @libp2p/bootstrap dials once at start: a node whose first dial failed (bootstrap host down,
   * CPU-starved handshake) would otherwise stay alone for good.
   */
  rebootstrapIntervalMs?: number
}

/** Counters for benchmarks and the metrics endpoint. */
export interface DiscoveryStats {
  dhtQueries: number
  /** DHT request messages sent by this node's queries (SEND_QUERY events) */
  dhtMessages: number
  gossipPublished: number
  gossipReceived: number
}

export interface Libp2pDiscovery extends Discovery {
  readonly libp2p: Libp2p<ParleyServices>
  stats(): DiscoveryStats
}

export async function createLibp2pDiscovery (init: Libp2pDiscoveryInit, components: DiscoveryComponents = {}): Promise<Libp2pDiscovery> {
  const settings = resolveSettings(init)
  const env: Env = resolveEnv(components, 'discovery')
  const node = await buildNode(init)
  const selfId = node.peerId.toString()
  const log = env.logger.child({ self: selfId })
  const envSelf = { ...env, logger: log }
  const events = new Emitter(log)
  const stats: DiscoveryStats = { dhtQueries: 0, dhtMessages: 0, gossipPublished: 0, gossipReceived: 0 }
  const { dht, pubsub } = node.services
  const providerQuorum = init.dht?.providerQuorum ?? DEFAULT_PROVIDER_QUORUM
  let stopped = false

  const routing: RoutingTransport = {
    selfId,
    subscribe: (topic) => { pubsub.subscribe(topic) },
    publish: async (topic, bytes) => {
      if (stopped) throw new StoppedError()
      stats.gossipPublished++
      await pubsub.publish(topic, bytes)
    },
    provide: async (key: CID, signal) => {
      stats.dhtQueries++
      for await (const ev of dht.provide(key, { signal })) if (ev.name === 'SEND_QUERY') stats.dhtMessages++
    },
    unprovide: async (key: CID) => { await dht.cancelReprovide(key) },
    connect: async (peerId, signal) => {
      const id = peerIdFromString(peerId)
      if (node.getConnections(id).length > 0) return
      await node.dial(id, { signal })
    },
    findProviders: async (key: CID, signal, onProvider) => {
      stats.dhtQueries++
      // ending the iteration early makes kad-dht abort the query's requests in flight
      await readProviderQuery(dht.findProviders(key, { signal }), providerQuorum, {
        onSend: () => { stats.dhtMessages++ },
        learn: async (id, multiaddrs) => { await node.peerStore.merge(id, { multiaddrs }).catch(() => {}) },
        onProvider
      })
    }
  }

  const roles = new Roles(routing, settings, envSelf, events)
  const server = new RequestServer(settings, envSelf)
  const artefacts = new Artefacts(routing, {
    fetchFrom: async (peerId, hash, signal) => await fetchArtefactFrom(node, settings, peerId, hash, signal)
  }, components.artefacts ?? new Map(), settings, envSelf)

  pubsub.addEventListener('message', (evt) => {
    const m = evt.detail
    if (m.type !== 'signed') return
    stats.gossipReceived++
    roles.onMessage(m.topic, m.from.toString(), m.data)
  })
  pubsub.addEventListener('subscription-change', (evt) => {
    for (const sub of evt.detail.subscriptions) {
      if (sub.subscribe) roles.onFollower(sub.topic, evt.detail.peerId.toString())
    }
  })
  node.addEventListener('peer:connect', (evt) => { events.emit('peer:connect', { peerId: evt.detail.toString() }) })
  node.addEventListener('peer:disconnect', (evt) => { events.emit('peer:disconnect', { peerId: evt.detail.toString() }) })
  await node.handle(ARTEFACT_PROTOCOL, async (stream, connection) => {
    await serveArtefact(artefacts, (peer) => server.admit(peer), settings, log, stream, connection)
  }, { maxInboundStreams: MAX_STREAMS_PER_CONNECTION })

  const check = (): void => { if (stopped) throw new StoppedError() }

  let rebootTimer: unknown
  const rebootEvery = init.rebootstrapIntervalMs ?? 5000
  const rebootstrap = async (): Promise<void> => {
    if (stopped) return
    if (routingTableSize(dht) === 0 && init.bootstrap.length > 0) {
      log.info({ bootstrap: init.bootstrap }, 'no DHT peers: dialling the bootstrap list again')
      await Promise.all(init.bootstrap.map(async a => {
        await node.dial(multiaddr(a), { signal: AbortSignal.timeout(5000) }).catch((err: Error) => {
          log.debug({ addr: a, err: err.message }, 'bootstrap dial failed')
        })
      }))
    }
    if (!stopped) rebootTimer = env.timers.setTimeout(() => { void rebootstrap() }, rebootEvery)
  }
  if (rebootEvery > 0) rebootTimer = env.timers.setTimeout(() => { void rebootstrap() }, rebootEvery)
  const warmUp = new SelfQueryWarmUp(node, env.timers, log, init.dht?.warmUpSelfQueryMs ?? 2000, init.dht?.querySelfIntervalMs ?? DEFAULT_QUERY_SELF_INTERVAL_MS, () => routingTableSize(dht))
  warmUp.start()

  return {
    libp2p: node,
    peerId: selfId,
    addresses: () => node.getMultiaddrs().map(a => a.toString()),
    peers: () => node.getPeers().map(p => p.toString()),
    stats: () => ({ ...stats }),

    ...sharedMethods(roles, artefacts, check),

    handle: async (protocol, handler, options) => {
      check()
      server.register(protocol, handler, options)
      await node.handle(protocol, async (stream, connection) => {
        await serveStream(server, settings, log, protocol, stream, connection)
      }, { maxInboundStreams: MAX_STREAMS_PER_CONNECTION, force: true })
    },
    unhandle: async (protocol) => {
      server.handlers.delete(protocol)
      await node.unhandle(protocol)
    },
    request: async <Res>(peerId: string, protocol: string, body: Json, options: RequestOptions<Res> = {}): Promise<Res> => {
      check()
      const max = options.maxBytes ?? settings.maxFrameBytes
      const frame = encodeRequest(body, max)
      const reply = peerId === selfId
        ? await server.serve(selfId, protocol, frame)
        : await exchange(node, settings, peerId, protocol, frame, options)
      const res = decodeResponse(reply, max)
      return validated(res, options.validate)
    },

    on: (event, listener) => events.on(event, listener),
    stop: async () => {
      if (stopped) return
      stopped = true
      roles.stop()
      if (rebootTimer !== undefined) env.timers.clearTimeout(rebootTimer)
      warmUp.stop()
      await boundedStop(node, init.stopTimeoutMs ?? 10_000, log)
    }
  }
}

/** Stop with a deadline; a ref'd timer keeps the process alive while libp2p shuts down. */
async function boundedStop (node: Libp2p<any>, ms: number, log: { warn: (o: object, m: string) => void }): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<'timeout'>(resolve => { timer = setTimeout(() => { resolve('timeout') }, ms) })
  try {
    const r = await Promise.race([Promise.resolve(node.stop()).then(() => 'ok' as const), timedOut])
    if (r === 'timeout') log.warn({ ms }, 'libp2p stop did not finish in time; abandoning it')
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'libp2p stop failed')
  } finally {
    clearTimeout(timer)
  }
}
