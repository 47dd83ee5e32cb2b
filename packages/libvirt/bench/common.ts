// Shared by the benchmarks: lab detection and simple statistics.
import { isAvailable, open, unavailableReason } from '../src/index.js'
import type { Connection } from '../src/index.js'
import { labUri } from '../test/lab.js'

/** Opens lab hosts 1..n, or returns the reason the benchmark cannot run. */
export async function labOrSkip (n: number): Promise<Connection[] | string> {
  if (!isAvailable()) return `libvirt binding unavailable: ${unavailableReason() ?? ''}`
  const conns: Connection[] = []
  try {
    for (let i = 1; i <= n; i++) conns.push(await open(labUri(i)))
    return conns
  } catch (e) {
    for (const c of conns) await c.close()
    return `no KVM lab at ${labUri(1)} (bash scripts/kvm-lab.sh up 3): ${(e as Error).message}`
  }
}

export function summary (ms: number[]): { n: number, mean: number, p50: number, p99: number, min: number, max: number } {
  const s = [...ms].sort((a, b) => a - b)
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN
  return { n: s.length, mean: s.reduce((a, b) => a + b, 0) / s.length, p50: at(0.5), p99: at(0.99), min: s[0] ?? NaN, max: s[s.length - 1] ?? NaN }
}

export function fmt (x: number): string {
  return x < 10 ? x.toFixed(3) : x.toFixed(1)
}
