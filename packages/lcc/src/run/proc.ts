// A peer's position in its clause, and how it advances by one step.
//
// The position is a small tree that mirrors the part of the body still to run: a `then` keeps an
// index and the position inside its current element, a `par` keeps one position per live branch,
// and an uncommitted `or` or a step not yet fired is just the immutable compiled node. Advancing
// fires exactly one step and returns the new position, or a signal. A branch that cannot fire
// mutates nothing and its leaf undoes its bindings, so committed choice needs no copying: the
// first branch whose first step fires becomes the position.
import type { CChoice, CDef, CStep, CThen } from './compiled.js'
import { isPromise } from './evaluate.js'
import type { PeerRun } from './peer.js'
import { tryChange, tryNull, tryReceive, trySend } from './steps.js'

export interface Signal { readonly kind: 'signal', readonly name: 'done' | 'blocked' | 'changed' | 'aborted' }
/** The definition ran to its end. */
export const DONE: Signal = Object.freeze({ kind: 'signal', name: 'done' })
/** No step could fire; nothing changed. */
export const BLOCKED: Signal = Object.freeze({ kind: 'signal', name: 'blocked' })
/** A role change fired: the peer is in a new clause; the old position is void. */
export const CHANGED: Signal = Object.freeze({ kind: 'signal', name: 'changed' })
/** The peer was reset while the step waited on a constraint or the resolver. */
export const ABORTED: Signal = Object.freeze({ kind: 'signal', name: 'aborted' })

export class SeqProc {
  readonly kind = 'seq'
  constructor (readonly def: CThen, public index: number, public child: Proc) {}
}
export class ParProc {
  readonly kind = 'parp'
  next = 0
  constructor (readonly children: Proc[]) {}
}
export type Proc = CStep | CChoice | SeqProc | ParProc
export type Advance = Proc | Signal
export type AdvanceResult = Advance | Promise<Advance>

/** The position at the start of `def`. */
export function start (def: CDef): Proc {
  switch (def.kind) {
    case 'then': return new SeqProc(def, 0, start(def.steps[0] as CDef))
    case 'par': return new ParProc(def.branches.map(start))
    default: return def
  }
}

export function advance (p: PeerRun, proc: Proc): AdvanceResult {
  switch (proc.kind) {
    case 'send': return trySend(p, proc)
    case 'receive': return tryReceive(p, proc)
    case 'null': return tryNull(p, proc)
    case 'change': return tryChange(p, proc)
    case 'choice': return choose(p, proc, 0)
    case 'seq': {
      const r = advance(p, proc.child)
      return isPromise<Advance>(r) ? r.then(a => afterSeq(proc, a)) : afterSeq(proc, r)
    }
    case 'parp': return parFrom(p, proc, 0)
  }
}

function afterSeq (s: SeqProc, a: Advance): Advance {
  if (a.kind !== 'signal') { s.child = a; return s }
  if (a !== DONE) return a
  const steps = s.def.steps
  if (++s.index >= steps.length) return DONE
  s.child = start(steps[s.index] as CDef)
  return s
}

/** Committed choice: the first branch (from `i`) whose first step fires. */
function choose (p: PeerRun, c: CChoice, i: number): AdvanceResult {
  const branches = c.branches
  for (; i < branches.length; i++) {
    const r = advance(p, start(branches[i] as CDef))
    if (isPromise<Advance>(r)) {
      const next = i + 1
      return r.then(a => a === BLOCKED ? choose(p, c, next) : a)
    }
    if (r !== BLOCKED) return r
  }
  return BLOCKED
}

/** Interleaving: try the live branches round-robin, starting after the one that fired last. */
function parFrom (p: PeerRun, par: ParProc, k: number): AdvanceResult {
  const kids = par.children
  const n = kids.length
  for (; k < n; k++) {
    const idx = (par.next + k) % n
    const r = advance(p, kids[idx] as Proc)
    if (isPromise<Advance>(r)) {
      const next = k + 1
      return r.then(a => a === BLOCKED ? parFrom(p, par, next) : afterPar(par, idx, a))
    }
    if (r !== BLOCKED) return afterPar(par, idx, r)
  }
  return BLOCKED
}

function afterPar (par: ParProc, idx: number, a: Advance): Advance {
  if (a === CHANGED || a === ABORTED) return a
  if (a === DONE) {
    par.children.splice(idx, 1)
    if (par.children.length === 0) return DONE
    par.next = idx % par.children.length
  } else {
    par.children[idx] = a as Proc
    par.next = (idx + 1) % par.children.length
  }
  return par
}
