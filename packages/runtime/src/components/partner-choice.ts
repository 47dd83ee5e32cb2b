// Which advertised partner a host that offers load invites. The coordinator walks the candidates
// (most free capacity first) and asks the host whether to skip each; the host skips a partner no VM
// of it fits (its best move is none) and one for which another advertised partner suits its best
// move better, by the order pick.ts ranks moves in: a move that fixes both hosts beats one that
// fixes one of them. Partners are compared among those the coordinator would invite too (the
// maxCandidates with the most free capacity) and has not asked about yet in this search, so a
// host whose best partner went to another host falls back on its next best.
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
  private search: Seeking | null = null
  /** When the coordinator listed its candidates (its first question): later arrivals are not among them. */
  private startedAt = 0
  private readonly asked = new Set<string>()

  constructor (
    private readonly model: LoadModel,
    private readonly params: PolicyParams,
    private readonly advertised: AdvertisedFn | undefined,
    /** The IM and partner role of the search this host runs now (set when it decides to offer). */
    private readonly seeking: () => Seeking | null,
    private readonly now: () => number
  ) {}

  /** This host's best move to a partner with these figures, or null when none is allowed. */
  pickFor (f: PartnerFigures): Move | null {
    const c = this.model.current
    const vms = this.model.movableVms()
    return bestPick(vms, { need: c.need, excess: c.excess, slack: c.slack, ...f, cordoned: this.model.cordoned, minImprovement: this.params.minImprovement, fillToMean: this.model.othersOverloaded() === null })
  }

  /** Whether this host's best move to a partner advertising `args` leaves that partner in band. */
  fills (args: Json | undefined): boolean {
    const f = partnerFigures(args)
    const move = f === null ? null : this.pickFor(f)
    return move !== null && !move.partnerOut
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
    // one search asks about each candidate once, in the coordinator's order: a partner passed over
    // or refused is no rival for the ones after it (contention: many hosts want the same best one)
    if (this.search !== s) { this.search = s; this.startedAt = this.now(); this.asked.clear() }
    this.asked.add(peer)
    const mine = this.score(f)
    if (mine === null) { this.model.noteFutile(peer, f.headroom); return true }
    if (this.advertised === undefined) return false
    // the rivals the coordinator would invite too: those it listed (announced before it asked: a
    // host that waited for a better partner announced since would wait for ever in a large cluster,
    // where partners are announced all the time), the most free capacity first, as many
    const rivals = this.advertised(s.im, s.role)
      .filter(r => (r.receivedAt ?? -Infinity) < this.startedAt)
      .map(r => ({ peer: r.peer, f: partnerFigures(r.args), at: r.receivedAt ?? 0 }))
      .filter((r): r is { peer: string, f: PartnerFigures, at: number } => r.f !== null && !(s.relief && r.f.shortfall <= floor))
      .sort((a, b) => b.f.capacity - a.f.capacity || b.at - a.at)
      .slice(0, this.params.maxCandidates)
      .filter(r => !this.asked.has(r.peer))
    for (const r of rivals) {
      if (this.model.isFutile(r.peer, r.f.headroom)) continue
      const theirs = this.score(r.f)
      if (theirs !== null && keyBefore(theirs, mine)) return true
    }
    return false
  }
}
