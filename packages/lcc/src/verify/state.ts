// The global state the checker explores, and its canonical key (for the visited set).
// A peer runs a stack of frames: a role change in tail position replaces the top frame (so the
// idle -> idle recursion does not grow the stack); elsewhere it pushes the new role's frame and the
// rest of the old definition resumes when that role's clause is done.
import type { Env, Value } from './values.js'
import { encodeValue } from './values.js'

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
  return render(msgParts(m), peerName)
}

/** An encoding with the peer ids left open (numbers), so that it can be rendered under renamings. */
type Parts = ReadonlyArray<string | number>

function render (parts: Parts, name: (i: number) => string): string {
  let out = ''
  for (const p of parts) out += typeof p === 'number' ? name(p) : p
  return out
}

function valueParts (v: Value, out: Array<string | number>): void {
  if (v.k === 'peer') { out.push('@', v.v); return }
  if (v.k !== 'cmp') { out.push(encodeValue(v, String)); return }
  out.push('f' + JSON.stringify(v.f) + '(')
  v.args.forEach((a, i) => { if (i > 0) out.push(','); valueParts(a, out) })
  out.push(')')
}

function envParts (env: Env, out: Array<string | number>): void {
  for (const k of Object.keys(env).sort()) { out.push(k + '='); valueParts(env[k]!, out); out.push(',') }
}

function msgParts (m: Msg): Parts {
  const out: Array<string | number> = [m.from, `/${m.fromRole}>${m.toRole}:`]
  valueParts(m.term, out)
  return out
}

const ABSTRACT = (): string => '#'

/**
 * Canonical keys of worlds, for one exploration. With symmetry classes, peers of one class (same
 * initial role) are interchangeable: they are sorted by a signature in which peer ids are
 * replaced by "self" or the other peer's class, and then every peer id is renamed by that order.
 * Ties may leave two keys for one orbit; that costs states, never soundness. Each distinct peer
 * text is interned, so a key is a short list of numbers.
 */
export class Encoder {
  private readonly cache = new WeakMap<Peer, { parts: Parts, text: string | null }>()
  private readonly interned = new Map<string, number>()
  /** Interned peers, with peer ids renamed to the canonical order: shared by every state. */
  private readonly peers: Peer[] = []

  constructor (private readonly classes: readonly number[] | null) {}

  /** The peer's parts, and its text when it names no peer (then no renaming can change it). */
  private entry (p: Peer): { parts: Parts, text: string | null } {
    let e = this.cache.get(p)
    if (e !== undefined) return e
    const out: Array<string | number> = [p.local ? 'L' : '']
    for (const f of p.frames) { out.push(f.role, '{'); envParts(f.env, out); out.push('}', encodeRes(f.res), ';') }
    const inbox = p.inbox.map(msgParts).map(m => ({ m, k: render(m, ABSTRACT) })).sort((a, b) => a.k < b.k ? -1 : a.k > b.k ? 1 : 0)
    out.push('<')
    for (const { m } of inbox) out.push(...m, ' ')
    out.push('>')
    e = { parts: out, text: out.some(x => typeof x === 'number') ? null : out.join('') }
    this.cache.set(p, e)
    return e
  }

  private intern (text: string, p: Peer, rename: readonly number[] | null): number {
    let id = this.interned.get(text)
    if (id === undefined) {
      id = this.peers.length
      this.interned.set(text, id)
      this.peers.push(rename === null ? p : renamePeer(p, rename))
    }
    return id
  }

  /** The canonical key of a world, and the canonical world itself (built from interned peers). */
  canonical (w: World): { key: string, world: World, order: readonly number[] } {
    const n = w.peers.length
    const classes = this.classes
    const entries = w.peers.map(p => this.entry(p))
    let ids: number[]
    let order: number[] = [...Array(n).keys()]
    if (classes === null) {
      ids = entries.map((e, i) => this.intern(e.text ?? render(e.parts, String), w.peers[i]!, null))
    } else {
      const sig = entries.map((e, self) => e.text ?? render(e.parts, i => i === self ? 's' : 'c' + String(classes[i])))
      order = order.sort((a, b) =>
        classes[a]! - classes[b]! || (sig[a]! < sig[b]! ? -1 : sig[a]! > sig[b]! ? 1 : a - b))
      const rename = new Array<number>(n)
      order.forEach((old, pos) => { rename[old] = pos })
      ids = order.map(old => {
        const e = entries[old]!
        return this.intern(e.text ?? render(e.parts, i => String(rename[i])), w.peers[old]!, e.text === null ? rename : null)
      })
    }
    return { key: ids.join(','), world: { peers: ids.map(id => this.peers[id]!) }, order }
  }

  /** The canonical world of a key this encoder made. */
  worldOf (key: string): World {
    return { peers: key.split(',').map(id => this.peers[Number(id)]!) }
  }

  key (w: World): string {
    return this.canonical(w).key
  }
}

export function renameValue (v: Value, r: readonly number[]): Value {
  if (v.k === 'peer') return { k: 'peer', v: r[v.v]! }
  if (v.k === 'cmp') return { k: 'cmp', f: v.f, args: v.args.map(a => renameValue(a, r)) }
  return v
}

export function renamePeer (p: Peer, r: readonly number[]): Peer {
  return {
    local: p.local,
    frames: p.frames.map(f => {
      const env: Record<string, Value> = {}
      for (const k of Object.keys(f.env)) env[k] = renameValue(f.env[k]!, r)
      return { role: f.role, res: f.res, env }
    }),
    inbox: p.inbox.map(m => ({ from: r[m.from]!, fromRole: m.fromRole, toRole: m.toRole, term: renameValue(m.term, r) })),
  }
}

export function isDone (p: Peer): boolean {
  return p.frames.length === 0
}
