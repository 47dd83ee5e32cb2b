// The cluster mean by push-sum gossip (Kempe, Dobra, Gehrke 2003), in its pairwise-averaging form:
// every host holds a mass (s, w); s starts at its own load, w at 1 (0 when cordoned, so the mean is
// per uncordoned host). In an exchange both sides take the average of their two masses, which keeps
// the cluster's total mass, so every s/w converges to (sum of loads) / (uncordoned hosts) within
// O(log N) exchanges per host.
//
// Epochs. Every host restarts its mass from its own load at each multiple of epochMs (wall-clock
// time; a message from a later epoch moves the receiver on). A restart is how the mass follows the
// loads, and how mass that left with a crashed host or a lost reply is forgotten. Within an epoch
// the target is the mean of the loads at its start, the same on every host: a host that has just
// shed or taken a VM does not see "the mean" move with it, as it would if it added its own load
// change to its mass at once (push-sum's usual way to track changes, whose unmixed change biases
// exactly the host that acts on it). The price is a lag of at most an epoch plus the warm-up. A
// host uses the previous epoch's estimate until the current one has mixed (warm); until then its
// own load changes do go into the mass at once.
//
// The same exchanges carry a size sketch: each host draws K exponential variates per epoch and the
// hosts keep the element-wise minimum, whose sum estimates 1/N ((K-1)/sum is unbiased for N).
// Minimums lose nothing when a message is lost, and they restart with the epoch too.
import { hashString, seededRandom } from './random.js'

export const SKETCH_SIZE = 16

export interface PushSumOptions {
  /** Every host restarts its mass from its own load at multiples of this (wall-clock time). */
  readonly epochMs: number
  /** An epoch's estimate is used once this much time has passed since this host joined it... */
  readonly warmMs: number
  /** ...and this host has taken part in at least this many exchanges in it. */
  readonly minContacts: number
}

export interface Mass {
  readonly epoch: number
  readonly s: number
  readonly w: number
  readonly mins: readonly number[]
}

/** A responder in a newer epoch does not mix: it tells the initiator which epoch it is in. */
export type ExchangeReply = Mass | { readonly epoch: number, readonly stale: true }

export interface PushSumEstimate {
  readonly mean: number
  /** Estimated hosts in the cluster (the size sketch). */
  readonly size: number
  /** False until an epoch has mixed on this host: the figures are then this host's own. */
  readonly warm: boolean
}

export class PushSum {
  private epoch = -1
  private startedAt = 0
  private s = 0
  private w = 0
  private mins: number[] = []
  /** This host's own contribution: its latest load and weight (0 when cordoned), mixed from the next restart. */
  private x = 0
  private u = 1
  /** The contribution that is in this epoch's mass. */
  private xIn = 0
  private uIn = 1
  private contacts = 0
  private prev: PushSumEstimate | null = null

  constructor (private readonly id: string, private readonly o: PushSumOptions) {}

  /**
   * This host's load now. Until the epoch has mixed here (not yet in use), a change goes into the
   * mass at once (a host's first samples come before its CPU figures); after that, from the next
   * epoch on.
   */
  observe (load: number, cordoned: boolean, now: number): void {
    this.roll(now)
    const u = cordoned ? 0 : 1
    if (!this.isWarm(now)) {
      this.s += load - this.xIn
      this.w += u - this.uIn
      this.xIn = load
      this.uIn = u
    }
    this.x = load
    this.u = u
  }

  /** What an initiator sends: its whole mass (it applies the responder's average when the reply comes). */
  outgoing (now: number): Mass {
    this.roll(now)
    return { epoch: this.epoch, s: this.s, w: this.w, mins: this.mins.slice() }
  }

  /** The responder's side: both masses become their average, which goes back to the initiator. */
  receive (m: Mass, now: number): ExchangeReply {
    this.roll(now)
    if (m.epoch < this.epoch) return { epoch: this.epoch, stale: true }
    if (m.epoch > this.epoch) this.restart(m.epoch, now)
    this.s = (this.s + m.s) / 2
    this.w = (this.w + m.w) / 2
    this.mergeMins(m.mins)
    this.contacts++
    return { epoch: this.epoch, s: this.s, w: this.w, mins: this.mins.slice() }
  }

  /**
   * The initiator's side, once the reply to `sent` came: it moves by (average - sent), so that the
   * exchanges it answered while its own was under way are kept.
   */
  settle (sent: Mass, reply: ExchangeReply, now: number): void {
    this.roll(now)
    if (reply.epoch > this.epoch) { this.restart(reply.epoch, now); return }
    if ('stale' in reply || reply.epoch !== sent.epoch || this.epoch !== sent.epoch) return
    this.s += reply.s - sent.s
    this.w += reply.w - sent.w
    this.mergeMins(reply.mins)
    this.contacts++
  }

  estimate (now: number): PushSumEstimate {
    this.roll(now)
    const cur = this.current(now)
    if (cur.warm) return cur
    return this.prev ?? cur
  }

  /** The reply to a mass from too far ahead: nothing mixed, this host's epoch. */
  stale (now: number): ExchangeReply {
    this.roll(now)
    return { epoch: this.epoch, stale: true }
  }

  /** The epoch a peer may claim: ours, or the next one (clocks differ a little). */
  acceptsEpoch (epoch: number, now: number): boolean {
    return epoch <= Math.floor(now / this.o.epochMs) + 1
  }

  /** For tests: this host's share of the cluster's mass. */
  get mass (): { epoch: number, s: number, w: number } { return { epoch: this.epoch, s: this.s, w: this.w } }

  private isWarm (now: number): boolean {
    return now - this.startedAt >= this.o.warmMs && this.contacts >= this.o.minContacts && this.w > 1e-9
  }

  private current (now: number): PushSumEstimate {
    const warm = this.isWarm(now)
    return { mean: warm ? Math.max(0, this.s / this.w) : this.x, size: warm ? sketchSize(this.mins) : 1, warm }
  }

  private roll (now: number): void {
    const e = Math.floor(now / this.o.epochMs)
    if (e > this.epoch) this.restart(e, now)
  }

  private restart (epoch: number, now: number): void {
    if (this.epoch >= 0) {
      const cur = this.current(now)
      if (cur.warm) this.prev = cur
    }
    this.epoch = epoch
    this.startedAt = now
    this.s = this.xIn = this.x
    this.w = this.uIn = this.u
    this.contacts = 0
    this.mins = drawSketch(this.id, epoch)
  }

  private mergeMins (other: readonly number[]): void { mergeSketch(this.mins, other) }
}

/** This host's draw for the size sketch of an epoch (the same on every call: seeded by id and epoch). */
export function drawSketch (id: string, epoch: number, size = SKETCH_SIZE): number[] {
  const rnd = seededRandom(hashString(id, epoch))
  return Array.from({ length: size }, () => -Math.log(1 - rnd()))
}

/** Keeps the element-wise minimum in `mins`. */
export function mergeSketch (mins: number[], other: readonly number[]): void {
  for (let i = 0; i < mins.length; i++) {
    const v = other[i]
    if (v !== undefined && v < (mins[i] as number)) mins[i] = v
  }
}

/** Hosts the sketch counts ((K-1)/sum is unbiased for N); 1 for an empty sketch. */
export function sketchSize (mins: readonly number[]): number {
  const sum = mins.reduce((a, b) => a + b, 0)
  return sum > 0 ? (mins.length - 1) / sum : 1
}
