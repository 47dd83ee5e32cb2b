// The network side of the push-sum mean: one exchange per sample interval with a partner drawn from
// a small random view (O(1) messages and work per host per round, whatever the cluster's size),
// and the /parley/load/1 handler that answers the exchanges others start.
import type { Discovery } from '@parley/discovery'
import type { Logger } from 'pino'
import { LOAD_PROTOCOL, exchangeJson, validateLoadExchange, validateLoadExchangeReply } from '../load-protocol.js'
import type { LoadExchangeRequest } from '../load-protocol.js'
import { PeerSample } from './peer-sample.js'
import { PushSum } from './push-sum.js'
import type { PushSumEstimate, PushSumOptions } from './push-sum.js'
import { hashString, seededRandom } from './random.js'

export interface LoadExchangeOptions extends PushSumOptions {
  /** One exchange per this interval (the agents' sample interval). */
  readonly intervalMs: number
  /** Partners held in the view (default 16). */
  readonly viewSize?: number
  /** The view is refilled from discovery.peers() when it falls below half, at most this often. */
  readonly refillMs: number
  /** Mixed with the peer id to seed this host's choices (default 0). */
  readonly seed?: number
}

export class LoadExchange {
  private readonly sum: PushSum
  private readonly sample: PeerSample
  private lastTick = -Infinity
  private lastFill = -Infinity
  private inFlight = false
  private serving = false
  /** Hosts discovery listed at the last refill, this one included (0: never listed). */
  peersSeen = 0
  readonly stats = { initiated: 0, served: 0, failed: 0 }

  constructor (private readonly discovery: Discovery, private readonly log: Logger, private readonly now: () => number, private readonly o: LoadExchangeOptions) {
    this.sum = new PushSum(discovery.peerId, o)
    this.sample = new PeerSample(discovery.peerId, seededRandom(hashString(discovery.peerId, o.seed ?? 0)), o.viewSize ?? 16)
  }

  async start (): Promise<void> {
    await this.discovery.handle<LoadExchangeRequest>(LOAD_PROTOCOL, (body, ctx) => exchangeJson(this.serve(body, ctx.peerId)), {
      validate: validateLoadExchange, timeoutMs: this.o.intervalMs
    })
    this.serving = true
  }

  async stop (): Promise<void> {
    if (!this.serving) return
    this.serving = false
    await this.discovery.unhandle(LOAD_PROTOCOL).catch(() => {})
  }

  observe (load: number, cordoned: boolean): void { this.sum.observe(load, cordoned, this.now()) }
  estimate (): PushSumEstimate { return this.sum.estimate(this.now()) }
  get mass (): { epoch: number, s: number, w: number } { return this.sum.mass }
  /** An exchange this host started is under way. */
  get busy (): boolean { return this.inFlight }

  /** Hosts seen through discovery (listing it once if it never was). */
  listed (): number {
    if (this.peersSeen === 0) this.refill(this.now(), true)
    return this.peersSeen
  }

  /** Starts one exchange when an interval passed since the last one (at most one in flight). */
  tick (): void {
    const now = this.now()
    if (this.inFlight || now - this.lastTick < 0.9 * this.o.intervalMs) return
    this.lastTick = now
    this.refill(now, false)
    const peer = this.sample.pick()
    if (peer === undefined) return
    this.inFlight = true
    void this.exchange(peer).finally(() => { this.inFlight = false })
  }

  private refill (now: number, force: boolean): void {
    if (!force && (this.sample.size >= this.sample.capacity / 2 || now - this.lastFill < this.o.refillMs)) return
    this.lastFill = now
    const peers = this.discovery.peers()
    this.peersSeen = peers.length + 1
    this.sample.fill(peers)
  }

  private async exchange (peer: string): Promise<void> {
    const sent = this.sum.outgoing(this.now())
    this.stats.initiated++
    try {
      const reply = await this.discovery.request(peer, LOAD_PROTOCOL, exchangeJson({ ...sent, peers: this.sample.share(2, peer) }), {
        validate: validateLoadExchangeReply, timeoutMs: this.o.intervalMs
      })
      this.sum.settle(sent, reply, this.now())
      for (const p of reply.peers ?? []) this.sample.add(p)
    } catch (err) {
      // undelivered, refused or timed out: nothing was applied here (a reply lost after the partner
      // mixed costs mass until the next epoch)
      this.stats.failed++
      this.sample.remove(peer)
      this.log.debug({ peer, err: (err as Error).message }, 'load exchange failed')
    }
  }

  private serve (body: LoadExchangeRequest, from: string): ReturnType<PushSum['receive']> & { peers?: string[] } {
    const now = this.now()
    this.stats.served++
    if (!this.sum.acceptsEpoch(body.epoch, now)) return { epoch: this.sum.outgoing(now).epoch, stale: true }
    this.sample.add(from)
    for (const p of body.peers) this.sample.add(p)
    const reply = this.sum.receive(body, now)
    return { ...reply, peers: this.sample.share(2, from) }
  }
}
