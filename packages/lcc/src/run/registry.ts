// A table of constraint components keyed `name/arity`, and the dispatcher that calls into it.
import { UnknownConstraintError } from '../errors.js'
import type { ConstraintDispatcher, ConstraintFn } from './types.js'

export class ConstraintRegistry {
  private readonly fns = new Map<string, ConstraintFn>()

  constructor (entries: Iterable<readonly [string, ConstraintFn]> | Record<string, ConstraintFn> = []) {
    const it = Symbol.iterator in entries ? entries as Iterable<readonly [string, ConstraintFn]> : Object.entries(entries)
    for (const [k, f] of it) this.register(k, f)
  }

  /** Registers `fn` under `key` (`name/arity`), replacing any earlier one. */
  register (key: string, fn: ConstraintFn): this {
    if (!/^.+\/\d+$/.test(key)) throw new TypeError(`constraint key must be name/arity, got "${key}"`)
    this.fns.set(key, fn)
    return this
  }

  has (key: string): boolean { return this.fns.has(key) }
  get (key: string): ConstraintFn | undefined { return this.fns.get(key) }
  keys (): string[] { return [...this.fns.keys()] }

  /** A dispatcher over this registry; unknown keys throw UnknownConstraintError. */
  dispatcher (): ConstraintDispatcher {
    return call => {
      const fn = this.fns.get(call.key)
      if (fn === undefined) throw new UnknownConstraintError(call.key, call.peer, call.span)
      return fn(call.args, call)
    }
  }
}
