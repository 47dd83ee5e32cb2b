// Breadth-first search of every interleaving, so the first state found with a problem has a
// shortest trace. States are kept as canonical keys with a parent pointer and depth; the
// successor edges are kept too, for the analysis of which states can still get back to rest.
import type { Assumptions } from './constraints.js'
import type { Program } from './program.js'
import type { World } from './state.js'
import { Encoder, encodeRes, isDone } from './state.js'
import type { PeerSpec, Stuck, Transition } from './successors.js'
import { expand, initialWorld } from './successors.js'

export interface ExploreOptions {
  readonly assume: Assumptions
  readonly maxDepth: number
  readonly maxStates: number
  /** Stop after this long (ms of wall time). */
  readonly maxMs: number
  /** Symmetry classes per peer, or null for no reduction. */
  readonly classes: readonly number[] | null
}

/** Something seen while expanding a state, to be turned into a finding with a trace. */
export type Event =
  | { readonly k: 'terminal', readonly state: number, readonly world: World }
  | { readonly k: 'stuck', readonly state: number, readonly stuck: Stuck }
  | { readonly k: 'lost', readonly state: number, readonly step: number, readonly toRole: string }
  | { readonly k: 'undefinedRole', readonly state: number, readonly step: number, readonly role: string }

export interface Exploration {
  /** Made the keys; trace replay must use the same one. */
  readonly encoder: Encoder
  readonly keys: string[]
  readonly parent: number[]
  readonly depth: number[]
  /** Successors of state i are edges[edgeStart[i] .. edgeStart[i + 1]). */
  readonly edgeStart: number[]
  readonly edges: number[]
  readonly home: Set<number>
  readonly unexpanded: number[]
  readonly events: Event[]
  readonly committedBranches: Set<number>
  readonly enteredRoles: Set<string>
  transitions: number
  /** Largest heap seen during the search, in bytes. */
  peakHeap: number
  stoppedBy: 'depth' | 'states' | 'time' | null
}

export function isHome (prog: Program, peers: readonly PeerSpec[], w: World): boolean {
  return w.peers.every((p, i) => {
    if (p.inbox.length > 0) return false
    if (isDone(p)) return true
    const f = p.frames[0]!
    const body = prog.clauses.get(peers[i]!.role)?.body
    return p.frames.length === 1 && !p.local && f.role === peers[i]!.role && f.res.t === 'n' && body !== undefined && f.res.id === prog.idOf.get(body)
  })
}

/** Terminal states that differ only in who is where, or in message contents, report once. */
function terminalSignature (w: World): string {
  return w.peers.map(p => {
    const top = p.frames[p.frames.length - 1]
    const inbox = p.inbox.map(m => `${m.toRole}:${m.term.k === 'cmp' ? m.term.f : m.term.k}`).sort().join(',')
    return (top === undefined ? '-' : `${top.role}@${encodeRes(top.res)}`) + `<${inbox}>`
  }).sort().join('|')
}

function noteTransition (x: Exploration, t: Transition, state: number, seenLost: Set<string>): void {
  for (const b of t.fire.committed) x.committedBranches.add(b)
  const e = t.fire.effect
  if (e?.k === 'change') x.enteredRoles.add(e.role)
  if (e?.k === 'send' && e.noClause && !seenLost.has(`s${t.fire.step}`)) {
    seenLost.add(`s${t.fire.step}`)
    x.events.push({ k: 'lost', state, step: t.fire.step, toRole: e.toRole })
  }
  if (t.undefinedRole !== null && !seenLost.has(`r${t.fire.step}`)) {
    seenLost.add(`r${t.fire.step}`)
    x.events.push({ k: 'undefinedRole', state, step: t.fire.step, role: t.undefinedRole })
  }
}

export function explore (prog: Program, peers: readonly PeerSpec[], opts: ExploreOptions): Exploration {
  const x: Exploration = {
    encoder: new Encoder(opts.classes), keys: [], parent: [], depth: [], edgeStart: [], edges: [], home: new Set(), unexpanded: [], events: [],
    committedBranches: new Set(), enteredRoles: new Set(peers.map(p => p.role)), transitions: 0, peakHeap: 0, stoppedBy: null,
  }
  const index = new Map<string, number>()
  const seenOnce = new Set<string>()
  const add = (w: World, parent: number): number => {
    const { key, world } = x.encoder.canonical(w)
    const known = index.get(key)
    if (known !== undefined) return known
    const id = x.keys.length
    index.set(key, id)
    x.keys.push(key)
    x.parent.push(parent)
    x.depth.push(parent < 0 ? 0 : x.depth[parent]! + 1)
    queue.push(world)
    return id
  }
  const queue: World[] = []
  add(initialWorld(prog, peers), -1)
  let head = 0
  const deadline = performance.now() + opts.maxMs
  let late = false
  for (let id = 0; id < x.keys.length; id++) {
    const w = queue[id - head]!
    x.edgeStart.push(x.edges.length)
    if (isHome(prog, peers, w)) x.home.add(id)
    if (x.depth[id]! >= opts.maxDepth || x.keys.length >= opts.maxStates || late) {
      x.unexpanded.push(id)
      x.stoppedBy ??= late ? 'time' : x.depth[id]! >= opts.maxDepth ? 'depth' : 'states'
    } else {
      const { transitions, stuck } = expand(prog, opts.assume, w)
      for (const s of stuck) {
        const sig = `${s.role}:${s.steps.join(',')}`
        if (!seenOnce.has(sig)) { seenOnce.add(sig); x.events.push({ k: 'stuck', state: id, stuck: s }) }
      }
      if (transitions.length === 0) {
        const sig = 'T' + terminalSignature(w)
        if (!seenOnce.has(sig)) { seenOnce.add(sig); x.events.push({ k: 'terminal', state: id, world: w }) }
      }
      for (const t of transitions) {
        x.transitions++
        noteTransition(x, t, id, seenOnce)
        x.edges.push(add(t.world, id))
      }
    }
    // Drop expanded worlds from the front of the queue now and then, to keep memory flat.
    if (id - head > 4096) {
      queue.splice(0, id - head)
      head = id
      x.peakHeap = Math.max(x.peakHeap, process.memoryUsage().heapUsed)
      late ||= performance.now() > deadline
    }
  }
  x.edgeStart.push(x.edges.length)
  return x
}
