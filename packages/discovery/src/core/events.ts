import type { DiscoveryEvents, Unsubscribe } from '../types.js'
import type { Logger } from 'pino'

type Listener<E extends keyof DiscoveryEvents> = (detail: DiscoveryEvents[E]) => void

/** A small typed emitter; a throwing listener is logged and never breaks the emitter. */
export class Emitter {
  private readonly listeners = new Map<keyof DiscoveryEvents, Set<Listener<any>>>()
  constructor (private readonly log: Logger) {}

  on<E extends keyof DiscoveryEvents>(event: E, listener: Listener<E>): Unsubscribe {
    let set = this.listeners.get(event)
    if (set === undefined) { set = new Set(); this.listeners.set(event, set) }
    set.add(listener)
    return () => { set.delete(listener) }
  }

  has (event: keyof DiscoveryEvents): boolean {
    return (this.listeners.get(event)?.size ?? 0) > 0
  }

  emit<E extends keyof DiscoveryEvents>(event: E, detail: DiscoveryEvents[E]): void {
    const set = this.listeners.get(event)
    if (set === undefined) return
    for (const l of [...set]) {
      try { l(detail) } catch (err) { this.log.error({ err, event }, 'event listener failed') }
    }
  }
}
