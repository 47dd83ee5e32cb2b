// One subscribed IM on this host: its local PeerRun, its phase, and the wait for the end of an
// interaction it takes part in (resolved with the role term to resume the local loop from).
import type { PeerRun, Term } from '@parley/lcc'
import type { LoadedIm } from './im.js'
import type { ElectionRule, SlotPhase } from './types.js'

export class Deferred<T> {
  readonly promise: Promise<T>
  private settle!: (v: T) => void
  settled = false
  constructor () { this.promise = new Promise<T>(resolve => { this.settle = resolve }) }
  resolve (v: T): void { if (!this.settled) { this.settled = true; this.settle(v) } }
}

export class Slot {
  phase: SlotPhase = 'local'
  interaction: string | null = null
  /** The advertised role name while phase is 'advertising'. */
  advertised: string | null = null
  /** Resolved with the role to resume from when an advertised wait or a participation ends. */
  wait: Deferred<Term> | null = null
  /** Cancels the hold timer of an advertised role once an invitation is accepted. */
  hold: AbortController | null = null
  stopped = false
  /** Seeks in a row that found no partner (drives the back-off). */
  misses = 0
  loop: Promise<void> | null = null

  constructor (readonly im: LoadedIm, readonly peer: PeerRun, readonly election: ElectionRule) {}
}
