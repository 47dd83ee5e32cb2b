// What the consolidation needs to know of a large cluster, by gossip averaging (push-sum in its
// pairwise form, as push-sum.ts does for the balance mean): a load histogram of the uncordoned
// hosts (hosts, their cores and the cores they use per load bin, packing-rank.ts), and the cores
// used and VMs run in the whole cluster. Every host holds a mass: its own figures at the start of an epoch; in an exchange both
// sides take the average of their two masses, which keeps the cluster's total, so every host's mass
// converges on the same shares of the cluster's sums within O(log N) exchanges per host. The same
// exchanges carry a size sketch (hosts = histogram units), and the lowest ids of the empty hosts
// (a union kept to its RESERVE_IDS smallest, exact once spread: it decides the reserve).
//
// Epochs, as push-sum.ts: every host restarts its mass from its own figures at each multiple of
// epochMs, which is how the histogram follows the moves and how mass lost with a crashed host or a
// lost reply is forgotten. Within an epoch the histogram is the cluster at its start, the same on
// every host; hosts decide against it with their current load. That suits consolidation: a keeper
// only fills (it stays above the keepers' boundary) and a shedder only empties (it stays below),
// so the snapshot keeps classifying them alike. A host uses the previous epoch's histogram until
// the current one has mixed (warm); until then its own changes go into the mass at once.
//
// The empty ids only ever shrink to the smallest within an epoch: a host that stops being empty
// stays listed until the next one (it may then hold a reserve place without being empty).
import { PACK_BINS, binOf, jitterOf, placeIn } from './packing-rank.js'
import type { PackingHistogram } from './packing-rank.js'
import { drawSketch, mergeSketch, sketchSize } from './push-sum.js'
import type { PushSumOptions } from './push-sum.js'

/** Lowest empty-host ids carried: the reserve a policy can ask for and be served by gossip. */
export const RESERVE_IDS = 8
/** Exponential variates per host in the size sketch: about 18 % error on the cluster's size. */
export const PACK_SKETCH = 32
/** The mass vector: used cores, VMs, then per bin: hosts, their cores, the cores they use, their places in it. */
const CORES = 0
const VMS = 1
const COUNT = 2
const CPUS = COUNT + PACK_BINS
const USED = CPUS + PACK_BINS
const PLACE = USED + PACK_BINS
export const PACK_VECTOR = PLACE + PACK_BINS

/** One host's figures; null while it takes no part (powered off, not sampled yet). */
export interface PackingFigure {
  /** Cores this host's VMs use. */
  readonly cores: number
  readonly cpus: number
  /** VMs this host runs. */
  readonly vms: number
  readonly cordoned: boolean
  /** No VM runs here, none migrates in or out. */
  readonly empty: boolean
}

export interface PackingMass {
  readonly epoch: number
  readonly v: readonly number[]
  readonly w: number
  readonly mins: readonly number[]
  /** The lowest ids of empty, uncordoned, powered-on hosts seen this epoch, sorted. */
  readonly empty: readonly string[]
}

export type PackingReply = PackingMass | { readonly epoch: number, readonly stale: true }

export interface PackingEstimate {
  /** Null until an epoch has mixed on this host. */
  readonly histogram: PackingHistogram | null
  /** The lowest ids of the empty hosts this epoch (from its start: they only ever get lower). */
  readonly empty: readonly string[]
  readonly epoch: number
  /** The epoch the histogram comes from: this one once mixed, else the last one that mixed here. */
  readonly histogramEpoch: number
}

function vectorOf (f: PackingFigure | null, jitter: number): number[] {
  const v = new Array<number>(PACK_VECTOR).fill(0)
  if (f === null) return v
  v[CORES] = Math.max(0, f.cores)
  v[VMS] = Math.max(0, f.vms)
  if (!f.cordoned && f.cpus > 0) {
    const x = Math.max(0, f.cores / f.cpus) + jitter
    const b = binOf(x)
    v[COUNT + b] = 1
    v[CPUS + b] = f.cpus
    v[USED + b] = Math.max(0, f.cores)
    v[PLACE + b] = placeIn(x, b)
  }
  return v
}

function mergeIds (into: readonly string[], other: readonly string[]): string[] {
  return [...new Set([...into, ...other])].sort().slice(0, RESERVE_IDS)
}

export class PackingSum {
  private epoch = -1
  private startedAt = 0
  private v: number[] = vectorOf(null, 0)
  private w = 1
  private mins: number[] = []
  private empty: string[] = []
  /** This host's own figures: the latest, and those in this epoch's mass. */
  private x: PackingFigure | null = null
  private xIn: number[] = vectorOf(null, 0)
  private contacts = 0
  private prev: PackingHistogram | null = null
  private prevEpoch = -1
  private readonly jitter: number

  constructor (private readonly id: string, private readonly o: PushSumOptions) {
    this.jitter = jitterOf(id)
  }

  /**
   * This host's figures now: into the mass at once until the epoch has mixed here, after that from
   * the next epoch. Null (it powers off, and leaves with the mass it holds) counts from the next
   * epoch on: taken out of the mass now, its figures would stay in the others' shares of it, and its
   * weight would leave without them (a host that left early skewed every share by its weight).
   */
  observe (f: PackingFigure | null, now: number): void {
    this.roll(now)
    this.x = f
    if (f === null) return
    if (f.empty && !f.cordoned) this.empty = mergeIds(this.empty, [this.id])
    if (this.isWarm(now)) return
    const next = vectorOf(f, this.jitter)
    for (let i = 0; i < PACK_VECTOR; i++) this.v[i] = (this.v[i] as number) + (next[i] as number) - (this.xIn[i] as number)
    this.xIn = next
  }

  outgoing (now: number): PackingMass {
    this.roll(now)
    return { epoch: this.epoch, v: this.v.slice(), w: this.w, mins: this.mins.slice(), empty: this.empty.slice() }
  }

  receive (m: PackingMass, now: number): PackingReply {
    this.roll(now)
    if (m.epoch < this.epoch) return { epoch: this.epoch, stale: true }
    if (m.epoch > this.epoch) this.restart(m.epoch, now)
    for (let i = 0; i < PACK_VECTOR; i++) this.v[i] = ((this.v[i] as number) + (m.v[i] ?? 0)) / 2
    this.w = (this.w + m.w) / 2
    this.mix(m)
    return this.outgoing(now)
  }

  /** The initiator's side: it moves by (average - sent), keeping exchanges it answered meanwhile. */
  settle (sent: PackingMass, reply: PackingReply, now: number): void {
    this.roll(now)
    if (reply.epoch > this.epoch) { this.restart(reply.epoch, now); return }
    if ('stale' in reply || reply.epoch !== sent.epoch || this.epoch !== sent.epoch) return
    for (let i = 0; i < PACK_VECTOR; i++) this.v[i] = (this.v[i] as number) + (reply.v[i] ?? 0) - (sent.v[i] ?? 0)
    this.w += reply.w - sent.w
    this.mix(reply)
  }

  /** The reply to a mass from too far ahead: nothing mixed, this host's epoch. */
  stale (now: number): PackingReply {
    this.roll(now)
    return { epoch: this.epoch, stale: true }
  }

  /** The epoch a peer may claim: ours, or the next one (clocks differ a little). */
  acceptsEpoch (epoch: number, now: number): boolean {
    return epoch <= Math.floor(now / this.o.epochMs) + 1
  }

  estimate (now: number): PackingEstimate {
    this.roll(now)
    const warm = this.isWarm(now)
    return { histogram: warm ? this.histogram() : this.prev, empty: this.empty, epoch: this.epoch, histogramEpoch: warm ? this.epoch : this.prevEpoch }
  }

  /** For tests: this host's share of the cluster's sums. */
  get mass (): { epoch: number, v: readonly number[], w: number } { return { epoch: this.epoch, v: this.v, w: this.w } }

  private mix (m: PackingMass): void {
    mergeSketch(this.mins, m.mins)
    this.empty = mergeIds(this.empty, m.empty)
    this.contacts++
  }

  private histogram (): PackingHistogram | null {
    if (!(this.w > 1e-9)) return null
    const per = (i: number): number => Math.max(0, (this.v[i] as number) / this.w)
    const bins = (from: number): number[] => Array.from({ length: PACK_BINS }, (_, b) => per(from + b))
    return { cores: per(CORES), vms: per(VMS), count: bins(COUNT), cpus: bins(CPUS), used: bins(USED), place: bins(PLACE), scale: sketchSize(this.mins) }
  }

  /** Whether the current epoch's histogram has mixed here (it is then the one in use). */
  isWarm (now: number): boolean {
    return now - this.startedAt >= this.o.warmMs && this.contacts >= this.o.minContacts && this.w > 1e-9
  }

  private roll (now: number): void {
    const e = Math.floor(now / this.o.epochMs)
    if (e > this.epoch) this.restart(e, now)
  }

  private restart (epoch: number, now: number): void {
    if (this.epoch >= 0 && this.isWarm(now)) { this.prev = this.histogram(); this.prevEpoch = this.epoch }
    this.epoch = epoch
    this.startedAt = now
    this.xIn = vectorOf(this.x, this.jitter)
    this.v = this.xIn.slice()
    this.w = 1
    this.contacts = 0
    this.mins = drawSketch(this.id, epoch, PACK_SKETCH)
    this.empty = this.x !== null && this.x.empty && !this.x.cordoned ? [this.id] : []
  }
}
