/**
 * A shared in-memory network for many MemoryDiscovery peers in one process (the simulator, tests).
 * Deterministic: peers get ids in join order, deliveries keep publish order, and message loss is
 * drawn from a seeded generator. Optional latency goes through injectable timers.
 * With `sharedAnnouncements` (simulators of thousands of peers) announcements go into one table
 * that every peer reads (see shared-announcements.ts).
 */
import { InvalidArgumentError } from '../errors.js'
import type { Announcement, Clock, StoredArtefact, Timers } from '../types.js'
import { SharedAnnouncements } from './shared-announcements.js'

/** What the network calls on a peer. */
export interface MemoryEndpoint {
  readonly id: string
  onGossip(topic: string, from: string, bytes: Uint8Array): void
  serveRequest(from: string, protocol: string, frame: Uint8Array): Promise<Uint8Array>
  /** undefined when not held; throws a coded error when refused (rate) */
  serveArtefact(from: string, hash: string): StoredArtefact | undefined
  onPeer(event: 'connect' | 'disconnect', peerId: string): void
  /** another peer subscribed to a topic this peer follows */
  onFollower(topic: string, peerId: string): void
  /** shared announcements: one was accepted on a topic this peer follows (it listens for them) */
  onAnnouncement?(a: Announcement): void
}

export interface MemoryNetworkInit {
  /** seed of the loss generator (default 1) */
  seed?: number
  /** one-way delay in ms, fixed or per pair (default 0: delivered on the next microtask) */
  latencyMs?: number | ((from: string, to: string) => number)
  /** probability that a gossip message or a request is lost (default 0) */
  dropRate?: number
  timers?: Timers
  /**
   * One announcement table for all peers instead of one per peer: O(1) work per announcement rather
   * than one delivery per follower (which still count in stats.gossipDelivered). It needs what makes
   * every follower's table the same: no loss, no latency, no isolation (refused here and by
   * isolate()), one clock for all peers (`clock`), one announcement TTL (the sender's). A peer also
   * sees what was announced before it followed the topic. Default false.
   */
  sharedAnnouncements?: boolean
  /** The time of announcement delivery with sharedAnnouncements (default Date.now). */
  clock?: Clock
}

export interface MemoryNetworkStats {
  gossipDelivered: number
  requests: number
  dropped: number
  providerQueries: number
}

export class MemoryNetwork {
  readonly peers = new Map<string, MemoryEndpoint>()
  /** provider records: like a DHT, they outlive withdraw and the provider itself */
  readonly providers = new Map<string, Set<string>>()
  readonly topics = new Map<string, Set<string>>()
  readonly stats: MemoryNetworkStats = { gossipDelivered: 0, requests: 0, dropped: 0, providerQueries: 0 }
  /** every receiver of one gossip message gets the same bytes: decode them once */
  readonly announcementCache = new WeakMap<Uint8Array, any>()
  /** Set with MemoryNetworkInit.sharedAnnouncements. */
  readonly shared: SharedAnnouncements | null
  private readonly isolated = new Set<string>()
  /** Peers listening for peer:connect/peer:disconnect, and for announcements (shared mode). */
  private readonly peerWatchers = new Set<string>()
  private readonly announcementWatchers = new Map<string, MemoryEndpoint>()
  private readonly clock: Clock
  private rng: number
  private nextId = 0
  private readonly timers: Timers
  private readonly latency: (from: string, to: string) => number
  dropRate: number

  constructor (init: MemoryNetworkInit = {}) {
    this.rng = (init.seed ?? 1) >>> 0
    this.dropRate = init.dropRate ?? 0
    const l = init.latencyMs ?? 0
    this.latency = typeof l === 'function' ? l : () => l
    this.timers = init.timers ?? { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => { clearTimeout(h as NodeJS.Timeout) } }
    this.clock = init.clock ?? { now: () => Date.now() }
    this.shared = init.sharedAnnouncements === true ? new SharedAnnouncements() : null
    if (this.shared !== null && (this.dropRate > 0 || typeof l === 'function' || l > 0)) {
      throw new InvalidArgumentError('sharedAnnouncements needs a lossless, zero-latency network', 'drop dropRate and latencyMs, or share no announcements')
    }
  }

  /** A peer started (on = true) or stopped listening for peer events or announcements. */
  watch (id: string, kind: 'peer' | 'announcement', on: boolean): void {
    if (kind === 'peer') {
      if (on) this.peerWatchers.add(id)
      else this.peerWatchers.delete(id)
      return
    }
    const ep = this.peers.get(id)
    if (on && ep !== undefined) this.announcementWatchers.set(id, ep)
    else this.announcementWatchers.delete(id)
  }

  /** mulberry32: a small seeded generator, enough for loss decisions */
  random (): number {
    this.rng = (this.rng + 0x6D2B79F5) >>> 0
    let t = this.rng
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  allocateId (): string {
    return `mem-${String(this.nextId++).padStart(4, '0')}`
  }

  join (ep: MemoryEndpoint): void {
    if (this.peers.has(ep.id)) throw new Error(`memory peer ${ep.id} already joined`)
    // only peers with a listener hear of it: a thousand joins are not a million calls
    for (const id of this.peerWatchers) this.peers.get(id)?.onPeer('connect', ep.id)
    if (this.peerWatchers.has(ep.id)) for (const other of this.peers.values()) ep.onPeer('connect', other.id)
    this.peers.set(ep.id, ep)
  }

  leave (id: string): void {
    if (!this.peers.delete(id)) return
    for (const subs of this.topics.values()) subs.delete(id)
    this.peerWatchers.delete(id)
    this.announcementWatchers.delete(id)
    for (const w of this.peerWatchers) this.peers.get(w)?.onPeer('disconnect', id)
  }

  /** Cut a peer off: its messages and requests to or from it are lost. */
  isolate (id: string): void {
    if (this.shared !== null) throw new InvalidArgumentError('a network with shared announcements cannot isolate a peer', 'create the MemoryNetwork without sharedAnnouncements')
    this.isolated.add(id)
  }
  heal (id: string): void { this.isolated.delete(id) }

  reachable (from: string, to: string): boolean {
    return this.peers.has(to) && !this.isolated.has(from) && !this.isolated.has(to)
  }

  /** Loss decision for one message. */
  lost (): boolean {
    if (this.dropRate <= 0) return false
    const lost = this.random() < this.dropRate
    if (lost) this.stats.dropped++
    return lost
  }

  /** Wait the one-way delay from `from` to `to`. */
  async delay (from: string, to: string): Promise<void> {
    const ms = this.latency(from, to)
    if (ms <= 0) return
    await new Promise<void>(resolve => { this.timers.setTimeout(resolve, ms) })
  }

  subscribe (id: string, topic: string): void {
    let s = this.topics.get(topic)
    if (s === undefined) { s = new Set(); this.topics.set(topic, s) }
    if (s.has(id)) return
    s.add(id)
    // followers re-announce for a newcomer that missed their announcements; with one shared table it missed none
    if (this.shared !== null) return
    const followers = [...s].filter(other => other !== id && this.reachable(id, other))
    queueMicrotask(() => { for (const other of followers) this.peers.get(other)?.onFollower(topic, id) })
  }

  publish (from: string, topic: string, bytes: Uint8Array): void {
    const subs = this.topics.get(topic)
    if (subs === undefined) return
    if (this.shared !== null) { this.publishShared(from, topic, subs, bytes); return }
    const targets = [...subs].filter(id => id !== from && this.reachable(from, id) && !this.lost())
    const deliver = (id: string): void => {
      this.stats.gossipDelivered++
      this.peers.get(id)?.onGossip(topic, from, bytes)
    }
    if (targets.every(id => this.latency(from, id) <= 0)) {
      queueMicrotask(() => { for (const id of targets) deliver(id) })
    } else {
      for (const id of targets) void this.delay(from, id).then(() => { deliver(id) })
    }
  }

  private publishShared (from: string, topic: string, subs: Set<string>, bytes: Uint8Array): void {
    const shared = this.shared as SharedAnnouncements
    queueMicrotask(() => {
      this.stats.gossipDelivered += subs.size - (subs.has(from) ? 1 : 0)
      const a = shared.accept(from, topic, bytes, this.clock.now())
      if (a === undefined) return
      for (const [id, ep] of this.announcementWatchers) if (id !== from && subs.has(id)) ep.onAnnouncement?.(a)
    })
  }

  addProvider (key: string, id: string): void {
    let s = this.providers.get(key)
    if (s === undefined) { s = new Set(); this.providers.set(key, s) }
    s.add(id)
  }
}
