// A small seeded generator (xoshiro128**, seeded through splitmix32) so every scenario replays
// exactly from its seed. Not for cryptography.

export interface Rng {
  readonly seed: number
  /** Uniform in [0, 1). */
  next (): number
  /** Uniform integer in [0, n). */
  int (n: number): number
  /** Uniform in [lo, hi). */
  uniform (lo: number, hi: number): number
}

function splitmix32 (state: number): () => number {
  let s = state >>> 0
  return () => {
    s = (s + 0x9e3779b9) >>> 0
    let z = s
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
    return (z ^ (z >>> 16)) >>> 0
  }
}

function rotl (x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0
}

export function createRng (seed: number): Rng {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`seed must be an integer in [0, 2^32), got ${seed}`)
  const sm = splitmix32(seed)
  let a = sm(); let b = sm(); let c = sm(); let d = sm()
  if ((a | b | c | d) === 0) a = 1
  const next32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0
    const t = (b << 9) >>> 0
    c ^= a; d ^= b; b ^= c; a ^= d
    c = (c ^ t) >>> 0
    d = rotl(d >>> 0, 11)
    a >>>= 0; b >>>= 0
    return result
  }
  const next = (): number => next32() / 4294967296
  return {
    seed,
    next,
    int: (n) => Math.floor(next() * n),
    uniform: (lo, hi) => lo + (hi - lo) * next()
  }
}

/** A fresh seed when the user gave none (printed with the run so it can be replayed). */
export function randomSeed (): number {
  return Math.floor(Math.random() * 0x100000000) >>> 0
}
