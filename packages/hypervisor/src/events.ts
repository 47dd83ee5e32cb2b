import type { HypervisorEvent, HypervisorListener } from './hypervisor.js'

/**
 * Fan-out of lifecycle events to listeners and async iterators. A throwing listener is reported
 * through `onListenerError` and never stops delivery to the others.
 */
export class EventHub {
  private readonly listeners = new Set<HypervisorListener>()
  private readonly closers = new Set<() => void>()

  constructor (private readonly onListenerError: (err: unknown) => void) {}

  on (listener: HypervisorListener): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  emit (e: HypervisorEvent): void {
    for (const l of [...this.listeners]) {
      try { l(e) } catch (err) { this.onListenerError(err) }
    }
  }

  events (signal?: AbortSignal): AsyncIterable<HypervisorEvent> {
    const queue: HypervisorEvent[] = []
    let wake: (() => void) | undefined
    let done = signal?.aborted === true
    const off = this.on(e => { queue.push(e); wake?.() })
    const finish = (): void => { done = true; off(); this.closers.delete(finish); wake?.() }
    this.closers.add(finish)
    signal?.addEventListener('abort', finish, { once: true })
    return {
      [Symbol.asyncIterator]: () => ({
        next: async (): Promise<IteratorResult<HypervisorEvent>> => {
          while (queue.length === 0 && !done) await new Promise<void>(resolve => { wake = resolve })
          wake = undefined
          const e = queue.shift()
          if (e !== undefined) return { value: e, done: false }
          return { value: undefined, done: true }
        },
        return: async (): Promise<IteratorResult<HypervisorEvent>> => {
          finish()
          return { value: undefined, done: true }
        }
      })
    }
  }

  close (): void {
    for (const f of [...this.closers]) f()
    this.listeners.clear()
  }
}
