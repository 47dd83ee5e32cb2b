import type { Clock } from '../types.js'

interface Bucket { tokens: number, at: number }

/**
 * Token bucket per peer: `burst` requests at once, refilled at `perSecond`. Buckets that are full
 * again are dropped on the next sweep, so idle peers cost nothing.
 */
export class PeerRateLimiter {
  private readonly buckets = new Map<string, Bucket>()
  private lastSweep: number

  constructor (private readonly burst: number, private readonly perSecond: number, private readonly clock: Clock) {
    this.lastSweep = clock.now()
  }

  /** Take one token for `peer`; false when the peer is over its rate. */
  take (peer: string): boolean {
    const now = this.clock.now()
    this.sweep(now)
    const b = this.buckets.get(peer) ?? { tokens: this.burst, at: now }
    b.tokens = Math.min(this.burst, b.tokens + (now - b.at) * this.perSecond / 1000)
    b.at = now
    if (b.tokens < 1) { this.buckets.set(peer, b); return false }
    b.tokens -= 1
    this.buckets.set(peer, b)
    return true
  }

  private sweep (now: number): void {
    if (now - this.lastSweep < 60_000) return
    this.lastSweep = now
    const full = this.burst * 1000 / this.perSecond
    for (const [k, b] of this.buckets) if (now - b.at > full) this.buckets.delete(k)
  }
}
