// Which peers the checker runs. `--peers role=N,...` says it outright. Otherwise:
//  * the initial roles are the roles declared `r(role, initial)`; without declarations, every
//    clause role that no other role's clause changes into (the first clause if there is none);
//  * an initial role gets one peer per role reachable from it by role changes that sends or
//    receives messages (at least one): balance's idle reaches overloaded and underloaded, so it
//    gets two peers, one for each side of a migration;
//  * a role declared `r(role, necessary, N)` gets N peers (1 without N) that start in it.
import { changeTargets, talks } from './program.js'
import type { Program } from './program.js'
import type { PeerSpec } from './successors.js'

export interface PeerGroup { readonly role: string, readonly count: number }

function reachable (p: Program, from: string): Set<string> {
  const seen = new Set([from])
  const todo = [from]
  while (todo.length > 0) {
    for (const t of changeTargets(p, todo.pop()!)) if (!seen.has(t)) { seen.add(t); todo.push(t) }
  }
  return seen
}

function inferredCount (p: Program, role: string): number {
  return Math.max(1, [...reachable(p, role)].filter(r => p.clauses.has(r) && talks(p, r)).length)
}

export function defaultGroups (p: Program): PeerGroup[] {
  const decls = p.model.roles
  if (decls.length > 0) {
    const groups: PeerGroup[] = []
    for (const d of decls) {
      if (!p.clauses.has(d.role)) continue
      if (d.mode === 'initial') groups.push({ role: d.role, count: inferredCount(p, d.role) })
      else if (d.mode === 'necessary') groups.push({ role: d.role, count: d.count ?? 1 })
    }
    if (groups.length > 0) return groups
  }
  return initialRoles(p).map(role => ({ role, count: inferredCount(p, role) }))
}

/** The roles peers start in by default: declared initial, else inferred as above. */
export function initialRoles (p: Program): string[] {
  const declared = p.model.roles.filter(d => d.mode === 'initial' && p.clauses.has(d.role)).map(d => d.role)
  if (declared.length > 0) return declared
  const roles = [...p.clauses.keys()]
  const targeted = new Set(roles.flatMap(r => changeTargets(p, r).filter(t => t !== r)))
  const initial = roles.filter(r => !targeted.has(r))
  return initial.length > 0 ? initial : roles.slice(0, 1)
}

/** Parses `idle=3,server=1`; returns an error message for bad text or unknown roles. */
export function parsePeers (text: string, p: Program): PeerGroup[] | string {
  const groups: PeerGroup[] = []
  for (const part of text.split(',').map(s => s.trim()).filter(s => s !== '')) {
    const m = /^([a-z][A-Za-z0-9_]*)=(\d+)$/.exec(part)
    if (m === null) return `bad --peers entry '${part}': write role=N, e.g. idle=3`
    const role = m[1]!
    const count = Number(m[2])
    if (!p.clauses.has(role)) return `--peers names role '${role}', which has no clause (roles: ${[...p.clauses.keys()].join(', ')})`
    if (count < 1) return `--peers ${role}=${count}: give at least one peer`
    groups.push({ role, count })
  }
  return groups.length > 0 ? groups : 'empty --peers: write role=N, e.g. idle=3'
}

export function expandGroups (groups: readonly PeerGroup[]): { peers: PeerSpec[], classes: number[] } {
  const peers: PeerSpec[] = []
  const classes: number[] = []
  groups.forEach((g, c) => {
    for (let i = 1; i <= g.count; i++) { peers.push({ name: `${g.role}${i}`, role: g.role }); classes.push(c) }
  })
  return { peers, classes }
}
