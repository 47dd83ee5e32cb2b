// The consolidation's gossip where no per-host load reports exist: the histogram push-sum of
// packing-sum.ts over /parley/pack/1 (gossip-exchange.ts). The consolidation components hand it
// this host's figures on each sample while they have no reports; from then on it starts an exchange
// every sample interval on its own (a host waiting in a role for a partner samples only now and
// then, and a host that never starts exchanges drops out of the others' views and mixes slowly),
// until no figure came for an epoch. A powered-off host neither asks nor answers (its daemon would
// be gone), and counts in no histogram from the next epoch on. A small cluster, or one running
// only the balance policy, sends none of these.
import type { Discovery } from '@parley/discovery'
import type { Clock } from '@parley/hypervisor'
import type { Logger } from 'pino'
import { GossipExchange } from './gossip-exchange.js'
import { PACK_PROTOCOL, packingJson, validatePackingReply, validatePackingRequest } from './packing-protocol.js'
import { PackingSum } from './packing-sum.js'
import type { PackingEstimate, PackingFigure, PackingMass, PackingReply } from './packing-sum.js'

/** In sample intervals: epoch (restart) period, warm-up, and view refills; exchanges before warm. */
export const PACK_EPOCH_INTERVALS = 20
export const PACK_WARM_INTERVALS = 5
export const PACK_MIN_CONTACTS = 8
/**
 * A view below half is refilled from discovery's listing at most this often: a consolidating
 * cluster powers most of its hosts off within a few epochs, and a view refilled every 30 intervals
 * (the load exchange's pace) emptied, and its host mixed no more.
 */
const REFILL_INTERVALS = 1
/** Partners tried in place of one that did not answer (powered off), per interval. */
const RETRIES = 3
/** Exchanges per interval until the epoch's histogram has mixed here; one after that. */
export const PACK_WARM_FANOUT = 3
/** Mixed into the seed: this view draws other partners than the load exchange's. */
const SEED_SALT = 0x5bd1e995

export interface PackingExchangeOptions {
  /** The agents' sample interval: one exchange each; epochs and warm-up are multiples. */
  readonly intervalMs: number
  readonly seed?: number
}

export class PackingExchange {
  private readonly sum: PackingSum
  private readonly gossip: GossipExchange<PackingMass, PackingReply>
  private readonly intervalMs: number
  /** When this host last handed in a figure (null ones excepted). */
  private observedAt = -Infinity
  private stopCtl: AbortController | null = null
  private loop: Promise<void> | null = null
  private poweredOff = false
  /** Serving starts and stops one after the other (power changes come synchronously). */
  private serving: Promise<void> = Promise.resolve()

  constructor (discovery: Discovery, log: Logger, private readonly clock: Clock, o: PackingExchangeOptions) {
    const i = this.intervalMs = o.intervalMs
    this.sum = new PackingSum(discovery.peerId, { epochMs: PACK_EPOCH_INTERVALS * i, warmMs: PACK_WARM_INTERVALS * i, minContacts: PACK_MIN_CONTACTS })
    this.gossip = new GossipExchange(discovery, log, () => clock.now(), { intervalMs: i, refillMs: REFILL_INTERVALS * i, retries: RETRIES, seed: ((o.seed ?? 0) ^ SEED_SALT) >>> 0 }, this.sum, {
      protocol: PACK_PROTOCOL, validateRequest: validatePackingRequest, validateReply: validatePackingReply, requestJson: packingJson, replyJson: packingJson
    })
  }

  /** Serves /parley/pack/1, and exchanges every interval while this host takes part. */
  async start (): Promise<void> {
    if (this.stopCtl !== null) return
    await this.gossip.start()
    const ctl = this.stopCtl = new AbortController()
    this.loop = (async () => {
      while (!ctl.signal.aborted) {
        try { await this.clock.sleep(this.intervalMs, ctl.signal) } catch { return }
        if (this.taking()) this.tick()
      }
    })()
  }

  async stop (): Promise<void> {
    this.stopCtl?.abort()
    this.stopCtl = null
    await this.loop
    this.loop = null
    await this.serving
    await this.gossip.stop()
  }

  /** This host powered off (it leaves the gossip) or on again (it serves, and takes part from its next figure). */
  powered (on: boolean): void {
    if (this.poweredOff === !on || this.stopCtl === null) return
    this.poweredOff = !on
    if (!on) this.observe(null)
    this.serving = this.serving.then(async () => { await (on ? this.gossip.start() : this.gossip.stop()) }).catch(() => {})
  }

  /** This host's figures now (null: it takes no part, e.g. powered off). The first one starts the exchanges. */
  observe (f: PackingFigure | null): void {
    const now = this.clock.now()
    this.sum.observe(f, now)
    this.observedAt = f === null ? -Infinity : now
    if (this.taking()) this.tick()
  }

  estimate (): PackingEstimate { return this.sum.estimate(this.clock.now()) }
  get mass (): { epoch: number, v: readonly number[], w: number } { return this.sum.mass }
  get busy (): boolean { return this.gossip.busy }
  get stats (): { initiated: number, served: number, failed: number } { return this.gossip.stats }

  private taking (): boolean { return !this.poweredOff && this.clock.now() - this.observedAt <= PACK_EPOCH_INTERVALS * this.intervalMs }

  /** This interval's exchanges (PACK_WARM_FANOUT until the epoch mixed here, then one); at most once an interval. */
  private tick (): void { this.gossip.tick(this.sum.isWarm(this.clock.now()) ? 1 : PACK_WARM_FANOUT) }
}
