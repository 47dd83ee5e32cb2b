// Time as a component: the daemon uses the real clock; tests and the simulator drive a ManualClock.

export interface Clock {
  /** Milliseconds; only differences are meaningful. */
  now (): number
  /** Resolves after `ms` of this clock's time; rejects with signal.reason if `signal` aborts first. */
  sleep (ms: number, signal?: AbortSignal): Promise<void>
}

function abortReason (signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('aborted', 'AbortError')
}

export function realClock (): Clock {
  return {
    now: () => performance.timeOrigin + performance.now(),
    sleep: async (ms, signal) => await new Promise<void>((resolve, reject) => {
      if (signal?.aborted === true) { reject(abortReason(signal)); return }
      const onAbort = (): void => { clearTimeout(timer); reject(abortReason(signal as AbortSignal)) }
      const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve() }, Math.max(0, ms))
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }
}

interface Sleeper { at: number, seq: number, resolve: () => void }

/**
 * A clock that only moves when told. advance() fires due sleepers in time order and lets the
 * promise continuations they trigger run (and schedule further sleeps) before moving on, so a
 * simulated migration of N steps completes within one advance() of enough time.
 */
export class ManualClock implements Clock {
  private t: number
  private seq = 0
  private sleepers: Sleeper[] = []

  constructor (startMs = 0) { this.t = startMs }

  now (): number { return this.t }

  /** Number of sleeps not yet due. */
  get pending (): number { return this.sleepers.length }

  async sleep (ms: number, signal?: AbortSignal): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      if (signal?.aborted === true) { reject(abortReason(signal)); return }
      const s: Sleeper = { at: this.t + Math.max(0, ms), seq: this.seq++, resolve: () => { signal?.removeEventListener('abort', onAbort); resolve() } }
      const onAbort = (): void => {
        this.sleepers = this.sleepers.filter(x => x !== s)
        reject(abortReason(signal as AbortSignal))
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.sleepers.push(s)
    })
  }

  async advance (ms: number): Promise<void> {
    const target = this.t + ms
    await settle()
    for (;;) {
      const next = this.nextDue(target)
      if (next === undefined) break
      this.sleepers = this.sleepers.filter(x => x !== next)
      this.t = Math.max(this.t, next.at)
      next.resolve()
      await settle()
    }
    this.t = target
    await settle()
  }

  /** Advances until no sleeper is pending (or `limitMs` passed); returns the time advanced. */
  async runAll (limitMs = 86_400_000): Promise<number> {
    const start = this.t
    await settle()
    while (this.sleepers.length > 0 && this.t - start < limitMs) {
      const next = this.nextDue(Infinity) as Sleeper
      await this.advance(Math.max(0, next.at - this.t))
    }
    return this.t - start
  }

  private nextDue (limit: number): Sleeper | undefined {
    let best: Sleeper | undefined
    for (const s of this.sleepers) {
      if (s.at > limit) continue
      if (best === undefined || s.at < best.at || (s.at === best.at && s.seq < best.seq)) best = s
    }
    return best
  }
}

/** Lets queued promise continuations (including ones that chain a few awaits deep) run. */
async function settle (): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>(resolve => setImmediate(resolve))
}
