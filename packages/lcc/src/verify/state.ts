// The global state the checker explores, and its canonical text (the key of the visited set).
// A peer runs a stack of frames: a role change in tail position replaces the top frame (so the
// idle -> idle recursion does not grow the stack); elsewhere it pushes the new role's frame and the
// rest of the old definition resumes when that role's clause is done.
import type { Env, Value } from './values.js'
import { encodeEnv, encodeValue } from './values.js'

/** What is left to run of a definition: unstarted node, a `then` part-way, or a `par` part-way. */
export type Res =
  | { readonly t: 'n', readonly id: number }
  | { readonly t: 'q', readonly id: number, readonly i: number, readonly cur: Res }
  | { readonly t: 'p', readonly id: number, readonly parts: ReadonlyArray<Res | null> }

export interface Frame { readonly role: string, readonly env: Env, readonly res: Res }

export interface Msg {
  readonly from: number
  readonly fromRole: string
  readonly toRole: string
  readonly term: Value
}

export interface Peer {
  /** Empty when the peer has finished. */
  readonly frames: readonly Frame[]
  /** A bag: order does not matter, kept sorted by encoding for canonical keys. */
  readonly inbox: readonly Msg[]
  /**
   * Set when the peer committed to a choice branch on a constraint and has not communicated since.
   * A constraint that fails in that position leaves the peer stuck: the papers' trap.
   */
  readonly local: boolean
}

export interface World { readonly peers: readonly Peer[] }

export function encodeRes (r: Res | null): string {
  if (r === null) return '.'
  if (r.t === 'n') return String(r.id)
  if (r.t === 'q') return `${r.id}:${r.i}(${encodeRes(r.cur)})`
  return `${r.id}[${r.parts.map(encodeRes).join('|')}]`
}

export function encodeMsg (m: Msg, peerName: (i: number) => string): string {
  return `${peerName(m.from)}/${m.fromRole}>${m.toRole}:${encodeValue(m.term, peerName)}`
}

export function encodePeer (p: Peer, peerName: (i: number) => string): string {
  const frames = p.frames.map(f => `${f.role}{${encodeEnv(f.env, peerName)}}${encodeRes(f.res)}`).join(';')
  const inbox = p.inbox.map(m => encodeMsg(m, peerName)).sort().join(' ')
  return `${p.local ? 'L' : ''}${frames}<${inbox}>`
}

/**
 * The canonical key of a world. With symmetry reduction, peers of one class (same initial role)
 * are interchangeable: they are sorted by a signature in which peer ids are replaced by "self"
 * or the other peer's class, and then every peer id is renamed by that order. Ties may leave two
 * keys for one orbit; that costs states, never soundness.
 */
export function canonicalKey (w: World, classes: readonly number[] | null): string {
  const n = w.peers.length
  if (classes === null) return w.peers.map(p => encodePeer(p, String)).join('\n')
  const sig = w.peers.map((p, self) => encodePeer(p, i => i === self ? 's' : 'c' + String(classes[i])))
  const order = [...Array(n).keys()].sort((a, b) =>
    classes[a]! - classes[b]! || (sig[a]! < sig[b]! ? -1 : sig[a]! > sig[b]! ? 1 : a - b))
  const rename = new Array<number>(n)
  order.forEach((old, pos) => { rename[old] = pos })
  return order.map(old => encodePeer(w.peers[old]!, i => String(rename[i]))).join('\n')
}

export function isDone (p: Peer): boolean {
  return p.frames.length === 0
}
