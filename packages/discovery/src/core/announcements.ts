/**
 * Gossip announcements: the codec and the local table of fresh ones.
 * Wire (one gossipsub message on imTopic(im), UTF-8 JSON, at most 4 KiB):
 *   {"v":1,"op":"announce"|"withdraw","im":"<imHash>","role":"<role>","args":<json>,"seq":<int>,"ts":<ms>,"ttl":<ms>}
 * The sender is the gossipsub message's signed `from`, never a field of the payload.
 */
import type { Announcement, Json } from '../types.js'
import { checkRoleRef } from './role-keys.js'

export const MAX_ANNOUNCEMENT_BYTES = 4096

export interface AnnouncementWire {
  v: 1
  op: 'announce' | 'withdraw'
  im: string
  role: string
  args: Json
  seq: number
  ts: number
  ttl: number
}

export function encodeAnnouncement (a: AnnouncementWire): Uint8Array {
  const bytes = new TextEncoder().encode(JSON.stringify(a))
  if (bytes.byteLength > MAX_ANNOUNCEMENT_BYTES) throw new RangeError(`announcement of ${bytes.byteLength} bytes exceeds ${MAX_ANNOUNCEMENT_BYTES}`)
  return bytes
}

/** Parse and check an announcement; returns a reason string when it is malformed. */
export function decodeAnnouncement (bytes: Uint8Array, expectedIm: string): AnnouncementWire | string {
  if (bytes.byteLength > MAX_ANNOUNCEMENT_BYTES) return 'oversize announcement'
  let doc: any
  try { doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) } catch { return 'not JSON' }
  if (typeof doc !== 'object' || doc === null || doc.v !== 1) return 'not a v1 announcement'
  if (doc.op !== 'announce' && doc.op !== 'withdraw') return 'bad op'
  if (doc.im !== expectedIm) return 'IM hash does not match the topic'
  if (typeof doc.role !== 'string') return 'bad role'
  try { checkRoleRef(doc.im, doc.role) } catch { return 'bad role' }
  if (!Number.isSafeInteger(doc.seq) || doc.seq < 0) return 'bad seq'
  if (typeof doc.ts !== 'number' || !Number.isFinite(doc.ts)) return 'bad ts'
  if (typeof doc.ttl !== 'number' || !(doc.ttl > 0)) return 'bad ttl'
  if (!('args' in doc)) return 'no args'
  return doc as AnnouncementWire
}

/** A decoded announcement ready for tables; in-process receivers of the same bytes share one. */
export interface PreparedAnnouncement {
  wire: AnnouncementWire
  /** the Announcement last built from it, reused by receivers that accept it at the same instant */
  shared?: Announcement
}

function deepFreeze<T> (v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v)
    for (const x of Object.values(v)) deepFreeze(x)
  }
  return v
}

/** Freeze the arguments: announcements handed to callers are read-only and may be shared. */
export function prepareAnnouncement (wire: AnnouncementWire): PreparedAnnouncement {
  deepFreeze(wire.args)
  return { wire }
}

type PeerMap = Map<string, Announcement>

/**
 * Fresh announcements per IM, role and peer. A newer seq replaces an older one; a retraction stays
 * as a tombstone until it expires so that a stale DHT provider record cannot resurrect the peer.
 * Nested maps rather than composite string keys: a simulator delivers millions of these.
 */
export class AnnouncementTable {
  private readonly byIm = new Map<string, Map<string, PeerMap>>()
  private entries = 0

  /** `maxEntries` bounds what peers announcing many distinct roles can make us hold */
  constructor (private readonly maxTtlMs: number, private readonly maxEntries = 100_000) {}

  get size (): number { return this.entries }

  /** Record an announcement received at `now`; returns it if accepted (newer than what we held). */
  accept (from: string, p: PreparedAnnouncement, now: number): Announcement | undefined {
    const w = p.wire
    let roles = this.byIm.get(w.im)
    let peers = roles?.get(w.role)
    const held = peers?.get(from)
    if (held !== undefined && held.seq >= w.seq && held.expiresAt > now) return undefined
    if (held === undefined && this.entries >= this.maxEntries) return undefined
    let a = p.shared
    if (a === undefined || a.receivedAt !== now || a.peerId !== from) {
      a = Object.freeze({
        peerId: from,
        imHash: w.im,
        role: w.role,
        args: w.op === 'withdraw' ? null : w.args,
        seq: w.seq,
        sentAt: w.ts,
        receivedAt: now,
        expiresAt: now + Math.min(w.ttl, this.maxTtlMs),
        withdrawn: w.op === 'withdraw'
      })
      p.shared = a
    }
    if (roles === undefined) { roles = new Map(); this.byIm.set(w.im, roles) }
    if (peers === undefined) { peers = new Map(); roles.set(w.role, peers) }
    if (held === undefined) this.entries++
    peers.set(from, a)
    return a
  }

  /** Live (not withdrawn, not expired) announcements of an IM, optionally of one role. */
  fresh (imHash: string, role: string | undefined, now: number): Announcement[] {
    const out: Announcement[] = []
    const roles = this.byIm.get(imHash)
    if (roles === undefined) return out
    const maps = role === undefined ? [...roles.values()] : [roles.get(role)]
    for (const peers of maps) {
      if (peers === undefined) continue
      for (const a of peers.values()) if (!a.withdrawn && a.expiresAt > now) out.push(a)
    }
    return out
  }

  /** True when `peer` retracted (imHash, role) and the retraction has not expired. */
  withdrawn (imHash: string, role: string, peer: string, now: number): boolean {
    const a = this.byIm.get(imHash)?.get(role)?.get(peer)
    return a !== undefined && a.withdrawn && a.expiresAt > now
  }

  /** Drop expired entries. */
  prune (now: number): void {
    for (const [im, roles] of this.byIm) {
      for (const [role, peers] of roles) {
        for (const [p, a] of peers) if (a.expiresAt <= now) { peers.delete(p); this.entries-- }
        if (peers.size === 0) roles.delete(role)
      }
      if (roles.size === 0) this.byIm.delete(im)
    }
  }
}
