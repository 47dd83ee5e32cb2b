// Which advertised partner a host that offers load invites. The coordinator walks the candidates
// (most free capacity first) and asks the host whether to skip each; the host skips a partner no VM
// of it fits (its best move is none) and one for which another advertised partner suits its best
// move better, by the order pick.ts ranks moves in: a move that fixes both hosts beats one that
// fixes one of them. Partners are compared among those the coordinator would invite too (the
// maxCandidates with the most free capacity).
import type { Json } from '@parley/discovery'
import type { PolicyParams } from '../types.js'
import type { LoadModel } from './load-model.js'
import { reliefFloor } from './partner-search.js'
import type { AdvertisedFn } from './partner-search.js'
import { bestPick, keyBefore } from './pick.js'
import type { Move } from './pick.js'

/** The search this host runs: its IM, the role it offers to, and whether it only relieves (in band). */
export interface Seeking { readonly im: string, readonly role: string, readonly relief: boolean }

export interface PartnerFigures { readonly capacity: number, readonly headroom: number, readonly shortfall: number }

export function partnerFigures (args: Json | undefined): PartnerFigures | null {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return null
  const { capacity, headroom, shortfall } = args
  if (typeof capacity !== 'number' || typeof headroom !== 'number') return null
  return { capacity, headroom, shortfall: typeof shortfall === 'number' ? shortfall : 0 }
}

/** The name of the role a candidate advertises (its args carry the role term as lcc JSON). */
function roleOf (args: Json | undefined): string | null {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return null
  const r = args.role
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return null
  return typeof r.a === 'string' ? r.a : typeof r.f === 'string' ? r.f : null
}

export class PartnerChoice {
  constructor (
    private readonly model: LoadModel,
    private readonly params: PolicyParams,
    private readonly advertised: AdvertisedFn | undefined,
    /** The IM and partner role of the search this host runs now (set when it decides to offer). */
    private readonly seeking: () => Seeking | null
  ) {}

  /** This host's best move to a partner with these figures, or null when none is allowed. */
  pickFor (f: PartnerFigures): Move | null {
    const c = this.model.current
    const vms = this.model.movable().map(d => ({ name: d.name, cores: d.cpuCores ?? 0 }))
    return bestPick(vms, { need: c.need, excess: c.excess, slack: c.slack, ...f, cordoned: this.model.cordoned, minImprovement: this.params.minImprovement })
  }

  /** Lower is better: the key of this host's best move to such a partner (see pick.ts). */
  private score (f: PartnerFigures): readonly number[] | null {
    return this.pickFor(f)?.key ?? null
  }

  /** Whether the coordinator should pass over `peer` (advertising `args`) for this host. */
  skip (peer: string, args: Json | undefined): boolean {
    const f = partnerFigures(args)
    if (f === null) return false // figures unknown: let the partner judge
    if (this.model.isFutile(peer, f.headroom)) return true
    // balance's own searches only: a search of another policy (consolidate) judges its partners itself
    const s = this.seeking()
    if (s === null || roleOf(args) !== s.role) return false
    // relief is for a host under its band, not one that only offers to absorb
    const floor = reliefFloor(this.model)
    if (s.relief && f.shortfall <= floor) return true
    const mine = this.score(f)
    if (mine === null) { this.model.noteFutile(peer, f.headroom); return true }
    if (this.advertised === undefined) return false
    // the rivals the coordinator would invite too: the most free capacity first, as many
    const rivals = this.advertised(s.im, s.role)
      .map(r => ({ peer: r.peer, f: partnerFigures(r.args) }))
      .filter((r): r is { peer: string, f: PartnerFigures } => r.f !== null && r.peer !== peer && !(s.relief && r.f.shortfall <= floor))
      .sort((a, b) => b.f.capacity - a.f.capacity)
      .slice(0, this.params.maxCandidates)
    for (const r of rivals) {
      if (this.model.isFutile(r.peer, r.f.headroom)) continue
      const theirs = this.score(r.f)
      if (theirs !== null && keyBefore(theirs, mine)) return true
    }
    return false
  }
}
