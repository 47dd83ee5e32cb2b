// The consolidation's gossip where no per-host load reports exist: the histogram push-sum of
// packing-sum.ts over /parley/pack/1, one exchange per sample interval (gossip-exchange.ts). The
// consolidation components drive it (observe and tick on each sample) only while they have no
// reports, so a small cluster, or one running only the balance policy, sends none of these.
import type { Discovery } from '@parley/discovery'
import type { Logger } from 'pino'
import { GossipExchange } from './gossip-exchange.js'
import { PACK_PROTOCOL, packingJson, validatePackingReply, validatePackingRequest } from './packing-protocol.js'
import { PackingSum } from './packing-sum.js'
import type { PackingEstimate, PackingFigure, PackingMass, PackingReply } from './packing-sum.js'

/** In sample intervals: epoch (restart) period, warm-up, and view refills; exchanges before warm. */
export const PACK_EPOCH_INTERVALS = 10
export const PACK_WARM_INTERVALS = 5
export const PACK_MIN_CONTACTS = 8
/** Exchanges per interval until the epoch's histogram has mixed here; one after that. */
export const PACK_WARM_FANOUT = 3
const REFILL_INTERVALS = 30
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

  constructor (discovery: Discovery, log: Logger, private readonly now: () => number, o: PackingExchangeOptions) {
    const i = o.intervalMs
    this.sum = new PackingSum(discovery.peerId, { epochMs: PACK_EPOCH_INTERVALS * i, warmMs: PACK_WARM_INTERVALS * i, minContacts: PACK_MIN_CONTACTS })
    this.gossip = new GossipExchange(discovery, log, now, { intervalMs: i, refillMs: REFILL_INTERVALS * i, seed: ((o.seed ?? 0) ^ SEED_SALT) >>> 0 }, this.sum, {
      protocol: PACK_PROTOCOL, validateRequest: validatePackingRequest, validateReply: validatePackingReply, requestJson: packingJson, replyJson: packingJson
    })
  }

  async start (): Promise<void> { await this.gossip.start() }
  async stop (): Promise<void> { await this.gossip.stop() }

  /** This host's figures now (null: it takes no part, e.g. powered off). */
  observe (f: PackingFigure | null): void { this.sum.observe(f, this.now()) }
  /** Starts this interval's exchanges (PACK_WARM_FANOUT until the epoch mixed here, then one). */
  tick (): void { this.gossip.tick(this.sum.isWarm(this.now()) ? 1 : PACK_WARM_FANOUT) }
  estimate (): PackingEstimate { return this.sum.estimate(this.now()) }
  get mass (): { epoch: number, v: readonly number[], w: number } { return this.sum.mass }
  get busy (): boolean { return this.gossip.busy }
  get stats (): { initiated: number, served: number, failed: number } { return this.gossip.stats }
}
