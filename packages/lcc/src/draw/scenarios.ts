// Scenarios for the sequence diagram, found by running the model checker's semantics: the
// shortest runs from the initial state back to rest (or to the end) that exchange messages, one
// per distinct sequence of messages, so each way an interaction can go appears once.
import type { ModelNode } from '../ast.js'
import { roleName } from '../ast.js'
import { isHome } from '../verify/explore.js'
import type { PeerGroup } from '../verify/peers.js'
import { defaultGroups, expandGroups } from '../verify/peers.js'
import type { Program } from '../verify/program.js'
import { compile } from '../verify/program.js'
import { Encoder, isDone } from '../verify/state.js'
import type { World } from '../verify/state.js'
import type { PeerSpec, Transition } from '../verify/successors.js'
import { expand, initialWorld } from '../verify/successors.js'

export interface Scenarios { readonly prog: Program, readonly peers: readonly PeerSpec[], readonly runs: Transition[][] }

export interface ScenarioOptions {
  readonly groups?: readonly PeerGroup[]
  /** Most scenarios kept (shortest first). Default 3. */
  readonly max?: number
  /** Most search nodes. Default 200,000. */
  readonly budget?: number
}

const NO_ASSUMPTIONS = new Map<string, boolean>()
const MAX_MESSAGES = 12

function messageSig (prog: Program, t: Transition): string | null {
  const e = t.fire.effect
  if (e?.k !== 'send') return null
  const m = prog.nodes[t.fire.step]!
  return m.kind === 'send' ? `${t.role}>${roleName(m.to) ?? '?'}:${m.message.kind === 'compound' ? m.message.functor : m.message.kind === 'atom' ? m.message.name : '?'}` : null
}

export function scenarios (model: ModelNode, options: ScenarioOptions = {}): Scenarios {
  const prog = compile(model)
  const { peers } = expandGroups(options.groups ?? defaultGroups(prog))
  const max = options.max ?? 3
  const budget = options.budget ?? 200_000
  interface Node { world: World, history: string[], parent: number, via: Transition | null }
  const nodes: Node[] = [{ world: initialWorld(prog, peers), history: [], parent: -1, via: null }]
  const encoder = new Encoder(null)
  const seen = new Set<string>([encoder.key(nodes[0]!.world) + '#'])
  const found = new Map<string, Transition[]>()
  // Without any run back to rest (a broken IM), the shortest run with the most messages is drawn.
  let best = 0
  const runTo = (last: number): Transition[] => {
    const run: Transition[] = []
    for (let k = last; k > 0; k = nodes[k]!.parent) run.push(nodes[k]!.via!)
    return run.reverse()
  }
  for (let i = 0; i < nodes.length && nodes.length < budget && found.size < max; i++) {
    const n = nodes[i]!
    for (const t of expand(prog, NO_ASSUMPTIONS, n.world).transitions) {
      const sig = messageSig(prog, t)
      const history = sig === null ? n.history : [...n.history, sig]
      if (history.length > MAX_MESSAGES) continue
      // A run that repeats a found scenario and goes on is that scenario twice: not a new one.
      const joined = history.join('|')
      if ([...found.keys()].some(f => joined.length > f.length && joined.startsWith(f + '|'))) continue
      const restful = isHome(prog, peers, t.world) || t.world.peers.every(isDone)
      if (restful && history.length === 0) continue
      const key = encoder.key(t.world) + '#' + joined
      if (seen.has(key)) continue
      seen.add(key)
      nodes.push({ world: t.world, history, parent: i, via: t })
      if (history.length > nodes[best]!.history.length) best = nodes.length - 1
      if (restful && !found.has(joined)) {
        found.set(joined, runTo(nodes.length - 1))
      }
    }
  }
  if (found.size === 0 && best > 0) found.set('', runTo(best))
  return { prog, peers, runs: [...found.values()] }
}
