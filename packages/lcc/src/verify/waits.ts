// Why peers cannot move, in a state where some never will: what each waits on, and whether the
// partner it waits for exists (a deadlock) or no peer plays that role at all (starvation).
import { roleName } from '../ast.js'
import type { Assumptions } from './constraints.js'
import type { Program } from './program.js'
import type { World } from './state.js'
import { isDone } from './state.js'
import { frontier, moves } from './step.js'
import type { PeerSpec } from './successors.js'
import { stepSource } from './trace.js'

export interface Blocked {
  readonly kind: 'deadlock' | 'starved' | 'livelock'
  readonly waiting: string[]
  /** The source line of the first waiting step. */
  readonly line: number | null
}

function playing (w: World, role: string, except: number): number[] {
  const out: number[] = []
  w.peers.forEach((p, i) => { if (i !== except && p.frames[p.frames.length - 1]?.role === role) out.push(i) })
  return out
}

export function blocked (prog: Program, assume: Assumptions, peers: readonly PeerSpec[], w: World): Blocked {
  const waiting: string[] = []
  let partnerExists = false
  let line: number | null = null
  w.peers.forEach((p, i) => {
    if (isDone(p)) return
    const top = p.frames[p.frames.length - 1]!
    const m = moves({ prog, assume, world: w, self: i, role: top.role }, top.res, top.env)
    if (m.fires.length > 0) return
    for (const sid of frontier(prog, top.res)) {
      const s = prog.nodes[sid]!
      line ??= s.span.start.line
      let why = ''
      if (s.kind === 'receive' || s.kind === 'send') {
        const ref = s.kind === 'receive' ? s.from : s.to
        const role = roleName(ref) ?? '?'
        const id = ref.id.kind === 'var' ? top.env[ref.id.name] : undefined
        if (id?.k === 'peer') {
          partnerExists = true
          why = `${peers[id.v]!.name} (now ${w.peers[id.v]!.frames.at(-1)?.role ?? 'finished'}) never ${s.kind === 'receive' ? 'sends it' : 'takes it'}`
        } else {
          const others = playing(w, role, i)
          if (others.length > 0) { partnerExists = true; why = `${others.map(o => peers[o]!.name).join(', ')} play${others.length === 1 ? 's' : ''} ${role} but cannot ${s.kind === 'receive' ? 'send it' : 'take it'}` } else why = `no peer plays ${role}`
        }
      } else {
        partnerExists = true
        why = 'its constraint never holds'
      }
      waiting.push(`${peers[i]!.name} (${top.role}) waits at line ${s.span.start.line}: ${stepSource(prog, sid)}: ${why}`)
    }
  })
  const kind = waiting.length === 0 ? 'livelock' : partnerExists ? 'deadlock' : 'starved'
  return { kind, waiting, line }
}
