// The simulation's time. One clock drives every peer: the hypervisors (migration progress), the
// runtime (sampling, leases, timeouts), discovery and lcc (their timers). It only moves when the
// simulator advances it; due callbacks fire in time order, in batches of equal time, and the
// promise chains they start run to quiescence before time moves on. A binary heap keeps a
// 10,000-host cluster's timers cheap (ManualClock scans a list, fine for tests, not for that).
import type { Clock } from '@parley/hypervisor'

export interface VirtualTimers {
  setTimeout (fn: () => void, ms: number): unknown
  clearTimeout (handle: unknown): void
}

interface Entry { at: number, seq: number, fn: () => void, cancelled: boolean }

function before (a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq)
}

export class VirtualClock implements Clock {
  private t: number
  private seq = 0
  private readonly heap: Entry[] = []
  private live = 0
  readonly timers: VirtualTimers

  constructor (startMs = 0, private readonly settleTurns = 3) {
    this.t = startMs
    this.timers = {
      setTimeout: (fn, ms) => this.schedule(fn, ms),
      clearTimeout: (h) => { this.cancel(h) }
    }
  }

  now (): number { return this.t }

  /** Callbacks scheduled and not yet fired or cancelled. */
  get pending (): number { return this.live }

  async sleep (ms: number, signal?: AbortSignal): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      if (signal?.aborted === true) { reject(signal.reason ?? new DOMException('aborted', 'AbortError')); return }
      const onAbort = (): void => {
        this.cancel(e)
        reject(signal?.reason ?? new DOMException('aborted', 'AbortError'))
      }
      const e = this.schedule(() => { signal?.removeEventListener('abort', onAbort); resolve() }, ms)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  /** Moves time forward by `ms`, firing everything due on the way; stops early (time stays) if `signal` aborts. */
  async advance (ms: number, signal?: AbortSignal): Promise<void> {
    const target = this.t + Math.max(0, ms)
    await this.settle()
    for (;;) {
      if (signal?.aborted === true) return
      const top = this.peek()
      if (top === undefined || top.at > target) break
      const at = top.at
      this.t = Math.max(this.t, at)
      const batch: Entry[] = []
      while (this.peek()?.at === at) batch.push(this.pop() as Entry)
      for (const e of batch) {
        if (e.cancelled) continue
        e.cancelled = true
        this.live--
        e.fn()
      }
      await this.settle()
    }
    this.t = target
    await this.settle()
  }

  private schedule (fn: () => void, ms: number): Entry {
    const e: Entry = { at: this.t + Math.max(0, Number.isFinite(ms) ? ms : 0), seq: this.seq++, fn, cancelled: false }
    this.push(e)
    this.live++
    return e
  }

  private cancel (h: unknown): void {
    const e = h as Entry | undefined
    if (e === undefined || e === null || e.cancelled) return
    e.cancelled = true
    this.live--
  }

  private async settle (): Promise<void> {
    for (let i = 0; i < this.settleTurns; i++) await new Promise<void>(resolve => setImmediate(resolve))
  }

  /** Smallest live entry, dropping cancelled ones from the top. */
  private peek (): Entry | undefined {
    while (this.heap.length > 0 && (this.heap[0] as Entry).cancelled) this.pop()
    return this.heap[0]
  }

  private push (e: Entry): void {
    const h = this.heap
    h.push(e)
    let i = h.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!before(h[i] as Entry, h[p] as Entry)) break
      ;[h[i], h[p]] = [h[p] as Entry, h[i] as Entry]
      i = p
    }
  }

  private pop (): Entry | undefined {
    const h = this.heap
    if (h.length === 0) return undefined
    const top = h[0] as Entry
    const last = h.pop() as Entry
    if (h.length > 0) {
      h[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1; const r = l + 1
        let m = i
        if (l < h.length && before(h[l] as Entry, h[m] as Entry)) m = l
        if (r < h.length && before(h[r] as Entry, h[m] as Entry)) m = r
        if (m === i) break
        ;[h[i], h[m]] = [h[m] as Entry, h[i] as Entry]
        i = m
      }
    }
    return top
  }
}
