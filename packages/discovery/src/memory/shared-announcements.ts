/**
 * One announcement table for every peer of a memory network (MemoryNetworkInit.sharedAnnouncements).
 *
 * On a lossless, zero-latency network every follower of a topic receives each announcement at the
 * same instant, so every follower's table holds the same entries. A simulator of ten thousand hosts
 * that keeps ten thousand copies pays N table updates per announcement and N copies of the table:
 * O(N^2) work and memory where a real cluster pays O(N) spread over N machines. This table holds
 * them once; each peer reads it through its own filter (topics it follows, never itself) and only
 * peers with an 'announcement' listener are called per announcement. Receivers' figures are the
 * network's: the time of delivery and the sender's TTL.
 */
import { AnnouncementTable, decodeAnnouncement, prepareAnnouncement } from '../core/announcements.js'
import { imTopic } from '../core/role-keys.js'
import type { Announcement, Candidate, FindCandidatesOptions } from '../types.js'

const MIN_PRUNE_AT = 100_000

export class SharedAnnouncements {
  private readonly table = new AnnouncementTable(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)
  private pruneAt = MIN_PRUNE_AT

  /** Decode and record one message; the accepted announcement (undefined: malformed or not newer). */
  accept (from: string, topic: string, bytes: Uint8Array, now: number): Announcement | undefined {
    let im: unknown
    try { im = JSON.parse(new TextDecoder().decode(bytes))?.im } catch { return undefined }
    if (typeof im !== 'string' || imTopic(im) !== topic) return undefined
    const w = decodeAnnouncement(bytes, im)
    if (typeof w === 'string') return undefined
    if (this.table.size >= this.pruneAt) {
      this.table.prune(now)
      this.pruneAt = Math.max(MIN_PRUNE_AT, 2 * this.table.size)
    }
    return this.table.accept(from, prepareAnnouncement(w), now)
  }

  /** What `self` holds: the fresh announcements of an IM (optionally one role) but its own. */
  fresh (self: string, imHash: string, role: string | undefined, now: number): Announcement[] {
    return this.table.fresh(imHash, role, now).filter(a => a.peerId !== self)
  }

  withdrawn (imHash: string, role: string, peer: string, now: number): boolean {
    return this.table.withdrawn(imHash, role, peer, now)
  }

  /**
   * The gossip half of findCandidates: the best `limit` fresh announcements by `rank` (a stable
   * top-k, the same order a full sort gives, without sorting every announcement per lookup).
   */
  best (self: string, imHash: string, role: string, now: number, options: FindCandidatesOptions, limit: number): Candidate[] {
    const rank = options.rank ?? ((a: Announcement, b: Announcement) => b.receivedAt - a.receivedAt || b.seq - a.seq)
    const top: Announcement[] = []
    for (const a of this.table.fresh(imHash, role, now)) {
      if (a.peerId === self) continue
      if (top.length === limit && rank(a, top[limit - 1] as Announcement) >= 0) continue
      let i = top.length
      while (i > 0 && rank(a, top[i - 1] as Announcement) < 0) i--
      top.splice(i, 0, a)
      if (top.length > limit) top.pop()
    }
    return top.map(a => ({ peerId: a.peerId, source: 'gossip' as const, args: a.args, announcement: a }))
  }
}
