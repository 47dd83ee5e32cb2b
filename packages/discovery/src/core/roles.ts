/**
 * Role subscriptions: our own advertisements (DHT provider record + gossip announcement refreshed
 * every announceIntervalMs), the table of others' announcements, and the candidate lookup that merges
 * fresh gossip (args known) with DHT providers (args unknown).
 */
import type { Logger } from 'pino'
import type { AdvertiseOptions, Announcement, Candidate, FindCandidatesOptions, Json } from '../types.js'
import { AnnouncementTable, decodeAnnouncement, encodeAnnouncement, prepareAnnouncement, type AnnouncementWire, type PreparedAnnouncement } from './announcements.js'
import type { Emitter } from './events.js'
import { checkRoleRef, imTopic, roleKey, topicKey } from './role-keys.js'
import type { Env, Settings } from './settings.js'
import { deadline } from './signals.js'
import type { RoutingTransport } from './transport.js'

const FOLLOWERS_TO_MEET = 6
const MAX_TABLE_ENTRIES = 100_000
const REANNOUNCE_DEBOUNCE_MS = 100
const REANNOUNCE_MIN_GAP_MS = 1000

interface Own { imHash: string, role: string, args: Json, provided: boolean }

export class Roles {
  private readonly own = new Map<string, Own>()
  private readonly table: AnnouncementTable
  /** followed topics and their IM hash */
  private readonly topics = new Map<string, string>()
  private readonly pendingReannounce = new Set<string>()
  private readonly lastReannounce = new Map<string, number>()
  private seq: number
  private timer: unknown
  private stopped = false
  private readonly log: Logger

  constructor (
    private readonly net: RoutingTransport,
    private readonly settings: Settings,
    private readonly env: Env,
    private readonly events: Emitter,
    /** shared by in-process peers that receive the very same message bytes (memory network) */
    private readonly decodeCache?: WeakMap<Uint8Array, PreparedAnnouncement | string>
  ) {
    this.table = new AnnouncementTable(settings.announcementTtlMs, MAX_TABLE_ENTRIES)
    // a restarted host continues above its previous sequence numbers
    this.seq = Math.max(0, Math.floor(env.clock.now()))
    this.log = env.logger.child({ part: 'roles' })
    this.schedule()
  }

  follow (imHash: string): void {
    checkRoleRef(imHash, 'follow')
    this.watch(imHash)
  }

  private watch (imHash: string): void {
    const topic = imTopic(imHash)
    if (this.topics.has(topic)) return
    this.topics.set(topic, imHash)
    this.net.subscribe(topic)
    void this.meetFollowers(imHash)
  }

  /**
   * Gossip only flows between connected followers of a topic. In a large cluster two followers
   * need not be connected, so each follower provides the topic's rendezvous key and connects to a
   * few others found under it.
   */
  private async meetFollowers (imHash: string): Promise<void> {
    try {
      const key = await topicKey(imHash)
      const found: string[] = []
      const d = deadline(this.settings.queryTimeoutMs)
      await this.net.findProviders(key, d.signal, (peer) => {
        if (peer !== this.net.selfId) found.push(peer)
        return found.length < FOLLOWERS_TO_MEET
      }).catch(() => {})
      await Promise.all(found.map(async p => { await this.net.connect(p, deadline(this.settings.queryTimeoutMs).signal).catch(() => {}) }))
      if (!this.stopped) await this.net.provide(key, deadline(this.settings.provideTimeoutMs).signal)
    } catch (err) {
      this.log.debug({ err: (err as Error).message, im: imHash }, 'meeting topic followers failed')
    }
  }

  /** Called by the transport for every gossip message on a topic we follow. */
  onMessage (topic: string, from: string, bytes: Uint8Array): void {
    if (from === this.net.selfId) return
    const im = this.topics.get(topic)
    if (im === undefined) return
    let d = this.decodeCache?.get(bytes)
    if (d === undefined || (typeof d !== 'string' && d.wire.im !== im)) {
      const w = decodeAnnouncement(bytes, im)
      d = typeof w === 'string' ? w : prepareAnnouncement(w)
      this.decodeCache?.set(bytes, d)
    }
    if (typeof d === 'string') {
      this.log.warn({ peer: from, topic, reason: d }, 'dropped malformed announcement')
      return
    }
    const now = this.env.clock.now()
    if (this.table.size >= MAX_TABLE_ENTRIES) this.table.prune(now)
    const a = this.table.accept(from, d, now)
    if (a !== undefined) this.events.emit('announcement', a)
  }

  /**
   * A peer started following `topic`. Announcements are only re-sent every announceIntervalMs, so
   * re-announce our roles of that IM soon. Debounced and throttled per topic: a burst of new
   * followers (a cluster starting, a mesh reshuffle) costs one round per REANNOUNCE_MIN_GAP_MS.
   */
  onFollower (topic: string, peerId: string): void {
    if (peerId === this.net.selfId || this.stopped || !this.topics.has(topic)) return
    if (this.pendingReannounce.has(topic)) return
    if (![...this.own.values()].some(e => imTopic(e.imHash) === topic)) return
    this.pendingReannounce.add(topic)
    const now = this.env.clock.now()
    const at = Math.max(now + REANNOUNCE_DEBOUNCE_MS, (this.lastReannounce.get(topic) ?? -Infinity) + REANNOUNCE_MIN_GAP_MS)
    this.env.timers.setTimeout(() => {
      this.pendingReannounce.delete(topic)
      if (this.stopped) return
      this.lastReannounce.set(topic, this.env.clock.now())
      for (const e of this.own.values()) if (imTopic(e.imHash) === topic) void this.announce(e, 'announce')
    }, at - now)
  }

  async advertise (imHash: string, role: string, args: Json, options: AdvertiseOptions = {}): Promise<void> {
    checkRoleRef(imHash, role)
    const k = `${imHash}\n${role}`
    const prev = this.own.get(k)
    const entry: Own = { imHash, role, args, provided: prev?.provided ?? false }
    this.own.set(k, entry)
    this.watch(imHash)
    await this.announce(entry, 'announce')
    const dht = this.provide(entry, options.signal)
    if (options.awaitDht !== false) await dht
  }

  async withdraw (imHash: string, role: string): Promise<void> {
    checkRoleRef(imHash, role)
    const k = `${imHash}\n${role}`
    const entry = this.own.get(k)
    if (entry === undefined) return
    this.own.delete(k)
    await this.announce(entry, 'withdraw')
    if (entry.provided) {
      try { await this.net.unprovide(await roleKey(imHash, role)) } catch (err) { this.log.debug({ err }, 'unprovide failed') }
    }
  }

  announcements (imHash: string, role?: string): Announcement[] {
    return this.table.fresh(imHash, role, this.env.clock.now())
  }

  async findCandidates (imHash: string, role: string, options: FindCandidatesOptions = {}): Promise<Candidate[]> {
    checkRoleRef(imHash, role)
    if (options.follow !== false) this.watch(imHash)
    const limit = options.limit ?? 20
    const out: Candidate[] = []
    const seen = new Set<string>([this.net.selfId])
    if (options.dhtOnly !== true) {
      const rank = options.rank ?? ((a, b) => b.receivedAt - a.receivedAt || b.seq - a.seq)
      const fresh = this.table.fresh(imHash, role, this.env.clock.now()).sort(rank)
      for (const a of fresh) {
        if (out.length >= limit) break
        if (seen.has(a.peerId)) continue
        seen.add(a.peerId)
        out.push({ peerId: a.peerId, source: 'gossip', args: a.args, announcement: a })
      }
    }
    if (out.length >= limit || options.gossipOnly === true) return out
    const key = await roleKey(imHash, role)
    const d = deadline(options.timeoutMs ?? this.settings.queryTimeoutMs, options.signal)
    try {
      await this.net.findProviders(key, d.signal, (peerId) => {
        if (seen.has(peerId)) return true
        seen.add(peerId)
        if (this.table.withdrawn(imHash, role, peerId, this.env.clock.now())) return true
        out.push({ peerId, source: 'dht' })
        return out.length < limit
      })
    } catch (err) {
      // a lookup that found something is a success even if the query then timed out
      if (options.signal?.aborted === true) throw d.error('findCandidates')
      if (out.length === 0 && d.signal.aborted) throw d.error(`findCandidates ${role}`)
      if (!d.signal.aborted) this.log.debug({ err }, 'provider query failed')
    }
    return out
  }

  private async announce (entry: Own, op: 'announce' | 'withdraw'): Promise<void> {
    const w: AnnouncementWire = {
      v: 1, op, im: entry.imHash, role: entry.role, args: op === 'withdraw' ? null : entry.args,
      seq: ++this.seq, ts: this.env.clock.now(), ttl: this.settings.announcementTtlMs
    }
    try {
      await this.net.publish(imTopic(entry.imHash), encodeAnnouncement(w))
    } catch (err) {
      this.log.warn({ err, im: entry.imHash, role: entry.role }, 'gossip publish failed')
      if (err instanceof RangeError) throw err
    }
  }

  private async provide (entry: Own, signal?: AbortSignal): Promise<void> {
    if (entry.provided) return
    const d = deadline(this.settings.provideTimeoutMs, signal)
    try {
      await this.net.provide(await roleKey(entry.imHash, entry.role), d.signal)
      entry.provided = true
    } catch (err) {
      // retried on the next refresh; the gossip announcement already went out
      this.log.warn({ err: (err as Error).message, im: entry.imHash, role: entry.role }, 'DHT provide failed; will retry')
    }
  }

  private schedule (): void {
    if (this.stopped || this.settings.announceIntervalMs <= 0) return
    this.timer = this.env.timers.setTimeout(() => { void this.refresh() }, this.settings.announceIntervalMs)
  }

  private async refresh (): Promise<void> {
    this.table.prune(this.env.clock.now())
    const entries = [...this.own.values()]
    await Promise.all(entries.map(async e => {
      if (this.own.get(`${e.imHash}\n${e.role}`) !== e) return
      await this.announce(e, 'announce')
      if (!e.provided) await this.provide(e)
    }))
    this.schedule()
  }

  stop (): void {
    this.stopped = true
    if (this.timer !== undefined) this.env.timers.clearTimeout(this.timer)
  }
}
