export interface HysteresisOptions {
  /** The condition is `value > threshold` ('above') or `value < threshold` ('below'). */
  direction: 'above' | 'below'
  threshold: number
  /** How long the condition must hold without a break before the detector turns active. */
  sustainMs: number
  /**
   * Where the condition counts as cleared; defaults to `threshold`. Set it inside the band (lower
   * for 'above', higher for 'below') so a value hovering at the threshold cannot flap.
   */
  clearThreshold?: number
  /** How long the cleared condition must hold before turning inactive; defaults to sustainMs. */
  clearSustainMs?: number
}

export interface HysteresisState {
  active: boolean
  /** True on the update that flipped `active`. */
  changed: boolean
  /** When the pending flip's condition started holding, if one is pending. */
  pendingSinceMs: number | null
}

/**
 * Turns a noisy signal into a stable role: "overloaded" only after load stayed above the
 * threshold for sustainMs, "not overloaded" again only after it stayed below the clear threshold
 * for clearSustainMs. A break in the condition restarts the wait.
 */
export class HysteresisDetector {
  private active = false
  private since: number | null = null
  private lastAt = -Infinity
  private readonly clearThreshold: number
  private readonly clearSustainMs: number

  constructor (private readonly opts: HysteresisOptions) {
    if (!(opts.sustainMs >= 0)) throw new RangeError(`sustainMs must be >= 0, got ${opts.sustainMs}`)
    this.clearThreshold = opts.clearThreshold ?? opts.threshold
    this.clearSustainMs = opts.clearSustainMs ?? opts.sustainMs
    if (!(this.clearSustainMs >= 0)) throw new RangeError(`clearSustainMs must be >= 0, got ${this.clearSustainMs}`)
    const widening = opts.direction === 'above' ? this.clearThreshold > opts.threshold : this.clearThreshold < opts.threshold
    if (widening) throw new RangeError('clearThreshold must lie on the cleared side of threshold')
  }

  get isActive (): boolean { return this.active }

  update (value: number, atMs: number): HysteresisState {
    if (atMs < this.lastAt) throw new RangeError(`updates must be in time order (${atMs} < ${this.lastAt})`)
    this.lastAt = atMs
    const up = this.opts.direction === 'above'
    const wantFlip = this.active
      ? (up ? value <= this.clearThreshold : value >= this.clearThreshold)
      : (up ? value > this.opts.threshold : value < this.opts.threshold)
    if (!wantFlip || Number.isNaN(value)) {
      this.since = null
      return { active: this.active, changed: false, pendingSinceMs: null }
    }
    this.since ??= atMs
    const needed = this.active ? this.clearSustainMs : this.opts.sustainMs
    if (atMs - this.since >= needed) {
      this.active = !this.active
      this.since = null
      return { active: this.active, changed: true, pendingSinceMs: null }
    }
    return { active: this.active, changed: false, pendingSinceMs: this.since }
  }

  reset (): void {
    this.active = false
    this.since = null
  }
}
