// Which advertised partner a host that offers load invites. The coordinator walks the candidates
// (most free capacity first) and asks the host whether to skip each; the host skips a partner no VM
// of it fits (its best move is none) and one for which another advertised partner suits its best
// move better, by the order pick.ts ranks moves in: a move that fixes both hosts beats one that
// fixes one of them. Partners are compared among those the coordinator would invite too (the
// maxCandidates with the most free capacity) and has not asked about yet in this search, so a
// host whose best partner went to another host falls back on its next best. At the start of an
// overload, a host also waits up to a sample interval for a better partner the load reports show
// under the band but the coordinator did not list (see awaitBetter).
import type { Json } from '@parley/discovery'
import type { PolicyParams } from '../types.js'
import type { LoadModel } from './load-model.js'
import { reliefFloor } from './partner-search.js'
import type { AdvertisedFn } from './partner-search.js'
import { MOVE_KIND, bestPick, keyBefore } from './pick.js'
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
  /** The capacity of the first candidate the coordinator asked about: it lists the most capacity first. */
  private firstCapacity = Infinity
  /** The search in which this host passes over every candidate, waiting for a better partner. */
  private waitingIn: Seeking | null = null
  /** Until when this host may wait so: one sample interval from its first wait while it stays overloaded. */
  private patience: number | null = null

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
    return bestPick(vms, { need: c.need, excess: c.excess, slack: c.slack, ...f, cordoned: this.model.cordoned, minImprovement: this.params.minImprovement, fillToMean: this.model.othersOverloaded() === null, unit: this.model.largestMovable() })
  }

  /** Whether this host's best move to a partner advertising `args` leaves that partner in band. */
  fills (args: Json | undefined): boolean {
    const f = partnerFigures(args)
    const move = f === null ? null : this.pickFor(f)
    return move !== null && !move.partnerOut
  }

  /** The host sampled its state for a new turn: once it is not overloaded, its next overload may wait again. */
  turn (): void {
    if (this.model.current.state !== 'over') this.patience = null
  }

  /** Lower is better: the key of this host's best move to such a partner (see pick.ts). */
  private score (f: PartnerFigures): readonly number[] | null {
    return this.pickFor(f)?.key ?? null
  }

  /** Whether the coordinator should pass over `peer` (advertising `args`) for this host. */
  skip (peer: string, args: Json | undefined): boolean {
    const s = this.seeking()
    // a candidate found in the DHT comes without figures (gossip had none when the coordinator
    // looked): they may have arrived by gossip since
    const known = args ?? (s === null ? undefined : this.advertised?.(s.im, s.role).find(a => a.peer === peer)?.args)
    const f = partnerFigures(known)
    if (f === null) return false // figures unknown: let the partner judge
    if (this.model.isFutile(peer, f.headroom)) return true
    // balance's own searches only: a search of another policy (consolidate) judges its partners itself
    if (s === null || roleOf(known) !== s.role) return false
    // relief is for a host under its band, not one that only offers to absorb
    const floor = reliefFloor(this.model)
    if (s.relief && f.shortfall <= floor) return true
    // one search asks about each candidate once, in the coordinator's order: a partner passed over
    // or refused is no rival for the ones after it (contention: many hosts want the same best one)
    if (this.search !== s) {
      this.search = s
      this.startedAt = this.now()
      // DHT candidates come unranked: the list may hold any partner announced by then
      this.firstCapacity = args === undefined ? Infinity : f.capacity
      this.asked.clear()
    }
    if (this.waitingIn === s) return true
    this.asked.add(peer)
    const mine = this.score(f)
    if (mine === null) { this.model.noteFutile(peer, f.headroom); return true }
    if (this.advertised === undefined) return false
    if (!s.relief && this.awaitBetter(s, mine)) return true
    // the rivals the coordinator would invite too: those it listed (announced before it asked: a
    // host that waited for a better partner announced since would wait for ever in a large cluster,
    // where partners are announced all the time), the most free capacity first, as many
    const rivals = this.advertised(s.im, s.role)
      .map(r => ({ peer: r.peer, f: partnerFigures(r.args), at: r.receivedAt ?? 0 }))
      .filter((r): r is { peer: string, f: PartnerFigures, at: number } => r.f !== null && this.listed(r.f, r.at, true) && !(s.relief && r.f.shortfall <= floor))
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

  /**
   * Whether to pass over every candidate of search `s` (best move `mine`) for a partner the load
   * reports show under the band but not advertising it yet: a host that crossed the threshold at
   * the same time advertises a moment later, and a VM sent to a worse partner now is a move more
   * later (the first moves go to the emptiest hosts, as the central balancer's do). Only for a
   * better kind of move (pick.ts MOVE_KIND), and for one sample interval from its first wait while
   * the host stays overloaded: the start of an imbalance, when hosts cross the thresholds together.
   * Later in it the better partner is mostly busy with another host, and waiting for it each time
   * slowed clusters of 100-150 hosts (150 hosts, 30 rounds, 20 seeds: 99 hosts out of band in all
   * where the runtime before left 41).
   */
  private awaitBetter (s: Seeking, mine: readonly number[]): boolean {
    const now = this.now()
    if (this.patience !== null && now >= this.patience) return false
    // those the coordinator listed are the rivals skip() weighs; a host announced since is not among them
    const listed = new Set((this.advertised as AdvertisedFn)(s.im, s.role).flatMap(a => {
      const f = partnerFigures(a.args)
      return f !== null && this.listed(f, a.receivedAt ?? -Infinity) ? [a.peer] : []
    }))
    for (const u of this.model.underloadedPeers()) {
      if (listed.has(u.peer) || this.model.isFutile(u.peer, u.headroom)) continue
      const theirs = this.score(u)
      // a better kind of move only: a larger drop of the squared deviation alone is no reason to wait
      if (theirs !== null && keyBefore(theirs.slice(0, MOVE_KIND), mine.slice(0, MOVE_KIND))) {
        this.patience ??= now + this.params.sampleIntervalMs
        this.waitingIn = s
        return true
      }
    }
    return false
  }

  /**
   * Whether the coordinator listed a partner advertising `f`, announced at `at`: it listed what it
   * held when it first asked, from gossip the most capacity first, so nothing with more capacity
   * than the first candidate it asked about. One announced in the same instant may be listed or not:
   * `surely` counts it out (a rival to pass a candidate over for must be on the list, or the search
   * ends with none), otherwise in (no waiting for a partner that may come later in the list).
   */
  private listed (f: PartnerFigures, at: number, surely = false): boolean {
    return (surely ? at < this.startedAt : at <= this.startedAt) && f.capacity <= this.firstCapacity + 1e-9
  }
}
