// The network side of the push-sum mean (push-sum.ts): one exchange per sample interval over
// /parley/load/1 (gossip-exchange.ts: a partner from a small random view, O(1) messages and work per
// host per round, whatever the cluster's size), and the handler that answers the exchanges others start.
import type { Discovery } from '@parley/discovery'
import type { Logger } from 'pino'
import { LOAD_PROTOCOL, exchangeJson, validateLoadExchange, validateLoadExchangeReply } from '../load-protocol.js'
import { GossipExchange } from './gossip-exchange.js'
import type { GossipExchangeOptions } from './gossip-exchange.js'
import { PushSum } from './push-sum.js'
import type { ExchangeReply, Mass, PushSumEstimate, PushSumOptions } from './push-sum.js'

export interface LoadExchangeOptions extends PushSumOptions, GossipExchangeOptions {}

export class LoadExchange {
  private readonly sum: PushSum
  private readonly gossip: GossipExchange<Mass, ExchangeReply>

  constructor (discovery: Discovery, log: Logger, private readonly now: () => number, o: LoadExchangeOptions) {
    this.sum = new PushSum(discovery.peerId, o)
    this.gossip = new GossipExchange(discovery, log, now, o, this.sum, {
      protocol: LOAD_PROTOCOL, validateRequest: validateLoadExchange, validateReply: validateLoadExchangeReply, requestJson: exchangeJson, replyJson: exchangeJson
    })
  }

  async start (): Promise<void> { await this.gossip.start() }
  async stop (): Promise<void> { await this.gossip.stop() }

  observe (load: number, cordoned: boolean): void { this.sum.observe(load, cordoned, this.now()) }
  estimate (): PushSumEstimate { return this.sum.estimate(this.now()) }
  get mass (): { epoch: number, s: number, w: number } { return this.sum.mass }
  /** An exchange this host started is under way. */
  get busy (): boolean { return this.gossip.busy }
  /** Hosts discovery listed at the last refill, this one included (0: never listed). */
  get peersSeen (): number { return this.gossip.peersSeen }
  get stats (): { initiated: number, served: number, failed: number } { return this.gossip.stats }

  /** Hosts seen through discovery (listing it once if it never was). */
  listed (): number { return this.gossip.listed() }

  /** Starts one exchange when an interval passed since the last one (at most one in flight). */
  tick (): void { this.gossip.tick() }
}
