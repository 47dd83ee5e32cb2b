/**
 * The Discovery contract over a MemoryNetwork. All logic above the transport (announcements,
 * candidate ranking, artefact verification, request framing and rejection) is the same code the
 * libp2p implementation runs; only carriage differs.
 */
import { Artefacts } from '../core/artefacts.js'
import { Emitter } from '../core/events.js'
import { RequestServer } from '../core/request-server.js'
import { Roles } from '../core/roles.js'
import { sharedMethods } from '../core/shared-methods.js'
import { resolveEnv, resolveSettings } from '../core/settings.js'
import { raceSignal } from '../core/signals.js'
import type { ArtefactTransport, RoutingTransport } from '../core/transport.js'
import { validated } from '../core/validate.js'
import { checkRoleRef, imTopic, roleKey } from '../core/role-keys.js'
import { decodeResponse, encodeRequest } from '../core/wire.js'
import { AbortedError, ArtefactNotFoundError, DiscoveryTimeoutError, InvalidArgumentError, PeerUnreachableError, RateLimitedError, StoppedError } from '../errors.js'
import type { Announcement, Candidate, Discovery, Timers, DiscoveryComponents, DiscoveryEvents, DiscoveryInit, FindCandidatesOptions, Json, RequestOptions, Unsubscribe } from '../types.js'
import type { MemoryEndpoint, MemoryNetwork } from './network.js'

export interface MemoryDiscoveryInit extends DiscoveryInit {
  network: MemoryNetwork
  /** default: the network allocates mem-0000, mem-0001, ... */
  peerId?: string
}

export interface MemoryDiscovery extends Discovery {
  readonly network: MemoryNetwork
}

const never = new Promise<never>(() => {})

interface Deadline { signal: AbortSignal, error: (what: string) => Error, clear: () => void }

/**
 * A deadline on the discovery's own timers, cleared once the work is done: in a simulator that is
 * virtual time, and no stray timer fires (allocating an abort reason) for each request that ended.
 */
function timedDeadline (timers: Timers, ms: number, caller?: AbortSignal): Deadline {
  const ctl = new AbortController()
  const handle = timers.setTimeout(() => { ctl.abort() }, ms)
  const signal = caller === undefined ? ctl.signal : AbortSignal.any([caller, ctl.signal])
  return {
    signal,
    error: (what) => caller?.aborted === true
      ? new AbortedError(`${what}: aborted by the caller`)
      : new DiscoveryTimeoutError(`${what}: no answer within ${ms} ms`),
    clear: () => { timers.clearTimeout(handle) }
  }
}

export async function createMemoryDiscovery (init: MemoryDiscoveryInit, components: DiscoveryComponents = {}): Promise<MemoryDiscovery> {
  const net = init.network
  const selfId = init.peerId ?? net.allocateId()
  if (selfId.length === 0 || selfId.length > 128) throw new InvalidArgumentError('memory peer ids are 1-128 characters')
  const settings = resolveSettings(init)
  const base = resolveEnv(components, 'discovery')
  const env = { ...base, logger: base.logger.child({ self: selfId }) }
  const events = new Emitter(env.logger)
  let stopped = false

  const routing: RoutingTransport = {
    selfId,
    subscribe: (topic) => { net.subscribe(selfId, topic) },
    publish: async (topic, bytes) => {
      if (stopped) throw new StoppedError()
      net.publish(selfId, topic, bytes)
    },
    provide: async (key, signal) => {
      if (signal.aborted) throw new Error('aborted')
      net.addProvider(key.toString(), selfId)
    },
    unprovide: async () => {},
    connect: async () => {},
    findProviders: async (key, signal, onProvider) => {
      net.stats.providerQueries++
      await raceSignal(net.delay(selfId, selfId), signal, () => new Error('aborted'))
      for (const id of net.providers.get(key.toString()) ?? []) {
        if (!onProvider(id)) return
      }
    }
  }

  /** Carry one exchange to `to` with the network's reachability, loss and delay. */
  async function carry<T> (to: string, signal: AbortSignal, onAbort: () => Error, serve: (ep: MemoryEndpoint) => Promise<T>): Promise<T> {
    net.stats.requests++
    if (!net.reachable(selfId, to)) throw new PeerUnreachableError(to)
    const trip = (async () => {
      if (net.lost()) return await never
      await net.delay(selfId, to)
      const ep = net.peers.get(to)
      if (ep === undefined || !net.reachable(selfId, to)) throw new PeerUnreachableError(to)
      const out = await serve(ep)
      await net.delay(to, selfId)
      return out
    })()
    return await raceSignal(trip, signal, onAbort)
  }

  const artefactTransport: ArtefactTransport = {
    fetchFrom: async (peerId, hash, signal) => await carry(peerId, signal, () => new Error('aborted'), async (ep) => {
      const a = ep.serveArtefact(selfId, hash)
      if (a === undefined) throw Object.assign(new ArtefactNotFoundError(hash), { remote: true })
      return { bytes: a.bytes.slice(), signature: a.signature === null ? null : { ...a.signature } }
    })
  }

  const roles = new Roles(routing, settings, env, events, net.announcementCache)
  const server = new RequestServer(settings, env)
  const artefacts = new Artefacts(routing, artefactTransport, components.artefacts ?? new Map(), settings, env)

  const endpoint: MemoryEndpoint = {
    id: selfId,
    onGossip: (topic, from, bytes) => { if (!stopped) roles.onMessage(topic, from, bytes) },
    serveRequest: async (from, protocol, frame) => {
      if (!server.admit(from)) return server.rateLimited(from, protocol)
      return await server.serve(from, protocol, frame)
    },
    serveArtefact: (from, hash) => {
      if (!server.admit(from)) throw Object.assign(new RateLimitedError(from), { remote: true })
      return artefacts.serve(hash)
    },
    onFollower: (topic, peerId) => { roles.onFollower(topic, peerId) },
    onAnnouncement: (a) => {
      if (stopped) return
      // a snapshot array: a listener added or removed meanwhile takes effect from the next announcement
      for (const l of announcementSnapshot) {
        try { l(a) } catch (err) { env.logger.error({ err, event: 'announcement' }, 'event listener failed') }
      }
    },
    onPeer: (event, peerId) => {
      const name = event === 'connect' ? 'peer:connect' : 'peer:disconnect'
      if (events.has(name)) events.emit(name, { peerId })
    }
  }
  net.join(endpoint)

  const check = (): void => { if (stopped) throw new StoppedError() }

  /**
   * The network calls only peers that listen (a large network would otherwise call every peer per
   * event). With shared announcements their listeners are held here, in an array rebuilt when they
   * change, not copied per event: thousands of listening peers hear thousands of announcements.
   */
  const announcementListeners = new Set<(a: Announcement) => void>()
  let announcementSnapshot: Array<(a: Announcement) => void> = []
  const on = <E extends keyof DiscoveryEvents>(event: E, listener: (detail: DiscoveryEvents[E]) => void): Unsubscribe => {
    if (net.shared !== null && event === 'announcement') {
      const l = listener as (a: Announcement) => void
      announcementListeners.add(l)
      announcementSnapshot = [...announcementListeners]
      net.watch(selfId, 'announcement', true)
      return () => {
        if (!announcementListeners.delete(l)) return
        announcementSnapshot = [...announcementListeners]
        if (announcementListeners.size === 0) net.watch(selfId, 'announcement', false)
      }
    }
    const off = events.on(event, listener)
    const sync = (): void => { net.watch(selfId, 'peer', events.has('peer:connect') || events.has('peer:disconnect')) }
    sync()
    return () => { off(); if (!stopped) sync() }
  }

  const shared = net.shared
  const following = (imHash: string): boolean => net.topics.get(imTopic(imHash))?.has(selfId) === true

  /**
   * findCandidates over the shared table: the same merge as the per-peer one (fresh gossip first,
   * ranked; then DHT providers, skipping the asker, duplicates and retracted roles).
   */
  const findShared = async (imHash: string, role: string, options: FindCandidatesOptions = {}): Promise<Candidate[]> => {
    check()
    const sh = shared as NonNullable<typeof shared>
    checkRoleRef(imHash, role)
    if (options.follow !== false) roles.follow(imHash)
    const limit = options.limit ?? 20
    const out = options.dhtOnly === true || !following(imHash) ? [] : sh.best(selfId, imHash, role, env.clock.now(), options, limit)
    if (out.length >= limit || options.gossipOnly === true) return out
    const seen = new Set<string>([selfId, ...out.map(c => c.peerId)])
    const key = await roleKey(imHash, role)
    const d = timedDeadline(env.timers, options.timeoutMs ?? settings.queryTimeoutMs, options.signal)
    try {
      await routing.findProviders(key, d.signal, (peerId) => {
        if (seen.has(peerId)) return true
        seen.add(peerId)
        if (following(imHash) && sh.withdrawn(imHash, role, peerId, env.clock.now())) return true
        out.push({ peerId, source: 'dht' })
        return out.length < limit
      })
    } catch {
      if (options.signal?.aborted === true) throw d.error('findCandidates')
      if (out.length === 0 && d.signal.aborted) throw d.error(`findCandidates ${role}`)
    } finally {
      d.clear()
    }
    return out
  }

  return {
    network: net,
    peerId: selfId,
    addresses: () => [`/memory/${selfId}`],
    peers: () => [...net.peers.keys()].filter(id => id !== selfId && net.reachable(selfId, id)),

    ...sharedMethods(roles, artefacts, check),
    ...(shared === null
      ? {}
      : {
          announcements: (imHash: string, role?: string) => following(imHash) ? shared.fresh(selfId, imHash, role, env.clock.now()) : [],
          findCandidates: findShared
        }),

    handle: async (protocol, handler, options) => { check(); server.register(protocol, handler, options) },
    unhandle: async (protocol) => { server.handlers.delete(protocol) },
    request: async <Res>(peerId: string, protocol: string, body: Json, options: RequestOptions<Res> = {}): Promise<Res> => {
      check()
      const max = options.maxBytes ?? settings.maxFrameBytes
      const frame = encodeRequest(body, max)
      let reply: Uint8Array
      if (peerId === selfId) {
        reply = await server.serve(selfId, protocol, frame)
      } else {
        const d = timedDeadline(env.timers, options.timeoutMs ?? settings.requestTimeoutMs, options.signal)
        try {
          reply = await carry(peerId, d.signal, () => d.error(`${protocol} to ${peerId}`),
            async (ep) => await ep.serveRequest(selfId, protocol, frame.slice()))
        } finally {
          d.clear()
        }
      }
      return validated(decodeResponse(reply, max), options.validate)
    },

    on,
    stop: async () => {
      if (stopped) return
      stopped = true
      roles.stop()
      net.leave(selfId)
    }
  }
}
