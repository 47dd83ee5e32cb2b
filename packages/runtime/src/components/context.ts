// What a constraint component sees of the interaction it is evaluated in. In a local loop there is
// none (null). In an interaction the coordinator passes the same context to every call, local or
// remote, and merges back the notes a call wrote, so a later call of another participant reads them.
import type { Json } from '@parley/discovery'
import type { ConstraintCall } from '@parley/lcc'
import type { WireContext } from '../protocol.js'

export interface ConstraintContext extends WireContext {
  readonly interaction: string
  /** Aborted when the interaction is (only in-process; never crosses the wire). */
  readonly signal?: AbortSignal
}

export function isConstraintContext (x: unknown): x is ConstraintContext {
  return typeof x === 'object' && x !== null && typeof (x as { interaction?: unknown }).interaction === 'string' &&
    typeof (x as { notes?: unknown }).notes === 'object'
}

/** The interaction a call runs in, or null in a local loop. */
export function contextOf (call: ConstraintCall): ConstraintContext | null {
  return isConstraintContext(call.context) ? call.context : null
}

/** The args a participant advertised (an object), or an empty object. */
export function participantArgs (ctx: ConstraintContext, peer: string): Record<string, Json> {
  const a = ctx.participants[peer]?.args
  return typeof a === 'object' && a !== null && !Array.isArray(a) ? a : {}
}
