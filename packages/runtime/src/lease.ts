// The host's reservation: at most one lease at a time (DVMS-style), granted to one interaction
// with a TTL. The coordinator renews it while the interaction runs; left alone, it expires and the
// host goes back to its own loop. Pure data over an injected clock, so tests drive time.
import { AlreadyLeasedError, NoLeaseError } from './errors.js'

export interface Lease {
  readonly interaction: string
  readonly coordinator: string
  readonly imHash: string
  readonly ttlMs: number
  readonly grantedAt: number
  expiresAt: number
}

export class LeaseTable {
  private current: Lease | null = null

  constructor (private readonly now: () => number) {}

  /** The lease in force (an expired one counts until `expire()` collects it). */
  get held (): Lease | null { return this.current }

  isFree (): boolean { return this.current === null }

  /** Grants a lease; throws AlreadyLeasedError while another one is held. */
  grant (interaction: string, coordinator: string, imHash: string, ttlMs: number): Lease {
    if (!(ttlMs > 0)) throw new RangeError(`lease TTL must be > 0, got ${ttlMs}`)
    if (this.current !== null) throw new AlreadyLeasedError(this.current.interaction)
    const at = this.now()
    this.current = { interaction, coordinator, imHash, ttlMs, grantedAt: at, expiresAt: at + ttlMs }
    return this.current
  }

  /** Extends the lease of `interaction` by its TTL from now; throws NoLeaseError otherwise. */
  renew (interaction: string): Lease {
    const l = this.valid(interaction)
    l.expiresAt = this.now() + l.ttlMs
    return l
  }

  /**
   * Extends the lease of `interaction` even past its expiry, as long as it was not collected: for
   * the lease a live coordinator holds on its own host. False when another lease (or none) is held.
   */
  extend (interaction: string): boolean {
    const l = this.current
    if (l === null || l.interaction !== interaction) return false
    l.expiresAt = this.now() + l.ttlMs
    return true
  }

  /** The unexpired lease of `interaction`, or NoLeaseError. */
  valid (interaction: string): Lease {
    const l = this.current
    if (l === null || l.interaction !== interaction || this.now() >= l.expiresAt) throw new NoLeaseError(interaction)
    return l
  }

  /** Gives the lease of `interaction` to another coordinator (the election picked it). */
  handOver (interaction: string, coordinator: string): Lease {
    const l = this.current
    if (l === null || l.interaction !== interaction) throw new NoLeaseError(interaction)
    const next = { ...l, coordinator, expiresAt: this.now() + l.ttlMs }
    this.current = next
    return next
  }

  /** Drops the lease of `interaction`; false when it was not held. */
  release (interaction: string): boolean {
    if (this.current === null || this.current.interaction !== interaction) return false
    this.current = null
    return true
  }

  /** Removes and returns the lease if it has expired by now. */
  expire (): Lease | null {
    const l = this.current
    if (l === null || this.now() < l.expiresAt) return null
    this.current = null
    return l
  }

  remainingMs (): number {
    return this.current === null ? 0 : Math.max(0, this.current.expiresAt - this.now())
  }
}
