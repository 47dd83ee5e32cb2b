// A small seeded generator (xorshift32 over a scrambled seed): the Scheduler's only source of
// choice, so the same seed gives the same interleaving and the same partner picks.
export class SeededRandom {
  private state: number
  constructor (seed: number) {
    // Scramble so that nearby seeds diverge at once; xorshift must not start at zero.
    let s = (seed ^ 0x9e3779b9) >>> 0
    s = Math.imul(s ^ (s >>> 16), 0x85ebca6b) >>> 0
    s = Math.imul(s ^ (s >>> 13), 0xc2b2ae35) >>> 0
    this.state = (s ^ (s >>> 16)) >>> 0 || 0x6d2b79f5
  }

  /** A uniform integer in [0, n). */
  below (n: number): number {
    let x = this.state
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    this.state = x >>> 0
    return this.state % n
  }

  /** Shuffles `a` in place (Fisher-Yates). */
  shuffle<T> (a: T[]): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.below(i + 1)
      const t = a[i] as T
      a[i] = a[j] as T
      a[j] = t
    }
  }
}
