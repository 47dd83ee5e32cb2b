// Reading peer messages that passed JSON decoding: the pieces every runtime protocol's validators
// share (/parley/invite/1, /parley/constraint/1, /parley/load/1, /parley/pack/1). A reader throws
// an Error whose message names the offending field; `guard` turns that into discovery's
// `{ ok: false, reason }`, which discovery answers as DISC_SCHEMA_INVALID.
import type { ValidationResult, Validator } from '@parley/discovery'

export type Obj = Record<string, unknown>

/** A peer id as the discovery prints it (libp2p's base58, the simulator's names). */
export const PEER_ID = /^[A-Za-z0-9_.:+=-]{1,200}$/

export function isObj (v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** A validator from a reader of the message's top-level object. */
export function guard<T> (read: (o: Obj) => T): Validator<T> {
  return (value: unknown): ValidationResult<T> => {
    if (!isObj(value)) return { ok: false, reason: '$ must be an object' }
    try {
      return { ok: true, value: read(value) }
    } catch (err) {
      return { ok: false, reason: (err as Error).message }
    }
  }
}

/** `$.epoch`: an integer >= 0. */
export function epochOf (o: Obj): number {
  const e = o.epoch
  if (typeof e !== 'number' || !Number.isSafeInteger(e) || e < 0) throw new Error('$.epoch must be an integer >= 0')
  return e
}

/** `$.k`: at most `max` peer ids; an absent optional list reads as empty. */
export function peerIds (o: Obj, k: string, max: number, optional: boolean): string[] {
  const v = o[k]
  if (v === undefined && optional) return []
  if (!Array.isArray(v) || v.length > max) throw new Error(`$.${k} must be an array of at most ${max} peer ids`)
  return v.map((p, i) => {
    if (typeof p !== 'string' || !PEER_ID.test(p)) throw new Error(`$.${k}[${i}] is not a peer id`)
    return p
  })
}
