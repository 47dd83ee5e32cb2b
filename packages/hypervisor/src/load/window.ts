/** A time-stamped value. */
export interface Point { atMs: number, value: number }

/**
 * The points of the last `windowMs`, plus the newest point older than that, so a rate over the
 * window always spans it fully once enough history exists.
 */
export class SlidingWindow {
  private points: Point[] = []

  constructor (readonly windowMs: number) {
    if (!(windowMs > 0)) throw new RangeError(`windowMs must be > 0, got ${windowMs}`)
  }

  add (atMs: number, value: number): void {
    const last = this.points.at(-1)
    if (last !== undefined && atMs < last.atMs) throw new RangeError(`samples must be in time order (${atMs} < ${last.atMs})`)
    if (last !== undefined && atMs === last.atMs) this.points[this.points.length - 1] = { atMs, value }
    else this.points.push({ atMs, value })
    const horizon = atMs - this.windowMs
    // keep one point at or before the horizon as the window's left edge
    let drop = 0
    while (drop + 1 < this.points.length && (this.points[drop + 1] as Point).atMs <= horizon) drop++
    if (drop > 0) this.points = this.points.slice(drop)
  }

  clear (): void { this.points = [] }

  get size (): number { return this.points.length }
  get first (): Point | undefined { return this.points[0] }
  get last (): Point | undefined { return this.points.at(-1) }

  /** (last - first) / (time between them) per ms, or null with fewer than two points. */
  rate (): number | null {
    const a = this.first; const b = this.last
    if (a === undefined || b === undefined || b.atMs <= a.atMs) return null
    return (b.value - a.value) / (b.atMs - a.atMs)
  }

  /**
   * Time-weighted mean over the window, where each point stands for the interval since the point
   * before it (clipped to the window). A single point is its own mean.
   */
  mean (): number | null {
    const n = this.points.length
    if (n === 0) return null
    const last = this.points[n - 1] as Point
    if (n === 1) return last.value
    const horizon = last.atMs - this.windowMs
    let area = 0; let span = 0
    for (let i = 0; i + 1 < n; i++) {
      const p = this.points[i] as Point; const q = this.points[i + 1] as Point
      const dt = q.atMs - Math.max(p.atMs, horizon)
      if (dt <= 0) continue
      area += q.value * dt; span += dt
    }
    return span > 0 ? area / span : last.value
  }
}
