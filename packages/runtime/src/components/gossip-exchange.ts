// The network side of a pairwise gossip average (push-sum.ts for the balance mean, packing-sum.ts
// for the consolidation's histogram): one exchange per sample interval with a partner drawn from a
// small random view (O(1) messages and work per host per round, whatever the cluster's size), and
// the handler that answers the exchanges others start. What is mixed is the mixer's business; this
// carries it, with a few peer ids each way to keep the views moving (peer-sample.ts).
import type { Discovery, Json, Validator } from '@parley/discovery'
import type { Logger } from 'pino'
import { PeerSample } from './peer-sample.js'
import { hashString, seededRandom } from './random.js'

/** What a gossip exchange mixes: M goes out, R comes back (R may say the responder is in a later epoch). */
export interface GossipMixer<M extends { readonly epoch: number }, R extends { readonly epoch: number }> {
  outgoing (now: number): M
  receive (m: M, now: number): R
  settle (sent: M, reply: R, now: number): void
  acceptsEpoch (epoch: number, now: number): boolean
  /** The reply to a mass from too far ahead: nothing mixed. */
  stale (now: number): R
}

type Peers = { readonly peers: readonly string[] }

export interface GossipWire<M, R> {
  readonly protocol: string
  readonly validateRequest: Validator<M & Peers>
  readonly validateReply: Validator<R & Partial<Peers>>
  requestJson (m: M & Peers): Json
  replyJson (r: R & Partial<Peers>): Json
}

export interface GossipExchangeOptions {
  /** One exchange per this interval (the agents' sample interval). */
  readonly intervalMs: number
  /** Partners held in the view (default 16). */
  readonly viewSize?: number
  /** The view is refilled from discovery.peers() when it falls below half, at most this often. */
  readonly refillMs: number
  /** Mixed with the peer id to seed this host's choices (default 0). */
  readonly seed?: number
  /** Partners tried in place of one that failed, per interval (default 0: a failed exchange waits for the next interval). */
  readonly retries?: number
}

export class GossipExchange<M extends { readonly epoch: number }, R extends { readonly epoch: number }> {
  private readonly sample: PeerSample
  private lastTick = -Infinity
  private lastFill = -Infinity
  private inFlight = false
  private serving = false
  /** Hosts discovery listed at the last refill, this one included (0: never listed). */
  peersSeen = 0
  readonly stats = { initiated: 0, served: 0, failed: 0 }

  constructor (
    private readonly discovery: Discovery,
    private readonly log: Logger,
    private readonly now: () => number,
    private readonly o: GossipExchangeOptions,
    private readonly mixer: GossipMixer<M, R>,
    private readonly wire: GossipWire<M, R>
  ) {
    this.sample = new PeerSample(discovery.peerId, seededRandom(hashString(discovery.peerId, o.seed ?? 0)), o.viewSize ?? 16)
  }

  async start (): Promise<void> {
    if (this.serving) return
    await this.discovery.handle<M & Peers>(this.wire.protocol, (body, ctx) => this.wire.replyJson(this.serve(body, ctx.peerId)), {
      validate: this.wire.validateRequest, timeoutMs: this.o.intervalMs
    })
    this.serving = true
  }

  async stop (): Promise<void> {
    if (!this.serving) return
    this.serving = false
    await this.discovery.unhandle(this.wire.protocol).catch(() => {})
  }

  /** An exchange this host started is under way. */
  get busy (): boolean { return this.inFlight }

  /** Hosts seen through discovery (listing it once if it never was). */
  listed (): number {
    if (this.peersSeen === 0) this.refill(this.now(), true)
    return this.peersSeen
  }

  /**
   * Starts this interval's exchanges when an interval passed since the last start: `count` of them
   * one after the other, each with a partner drawn anew (at most one in flight).
   */
  tick (count = 1): void {
    const now = this.now()
    if (this.inFlight || now - this.lastTick < 0.9 * this.o.intervalMs) return
    this.lastTick = now
    this.refill(now, false)
    const peer = this.sample.pick()
    if (peer === undefined) return
    this.inFlight = true
    void (count > 1 || (this.o.retries ?? 0) > 0 ? this.run(peer, count) : this.exchange(peer)).finally(() => { this.inFlight = false })
  }

  private async run (first: string, count: number): Promise<void> {
    let retries = this.o.retries ?? 0
    let done = 0
    let peer: string | undefined = first
    while (peer !== undefined) {
      if (await this.exchange(peer)) done++
      else if (retries-- <= 0) return
      if (done >= count) return
      this.refill(this.now(), false)
      peer = this.sample.pick()
    }
  }

  private refill (now: number, force: boolean): void {
    if (!force && (this.sample.size >= this.sample.capacity / 2 || now - this.lastFill < this.o.refillMs)) return
    this.lastFill = now
    const peers = this.discovery.peers()
    this.peersSeen = peers.length + 1
    this.sample.fill(peers)
  }

  /** One exchange with `peer`; false when it failed (the peer leaves the view). */
  private async exchange (peer: string): Promise<boolean> {
    const sent = this.mixer.outgoing(this.now())
    this.stats.initiated++
    try {
      const reply = await this.discovery.request(peer, this.wire.protocol, this.wire.requestJson({ ...sent, peers: this.sample.share(2, peer) }), {
        validate: this.wire.validateReply, timeoutMs: this.o.intervalMs
      })
      this.mixer.settle(sent, reply, this.now())
      for (const p of reply.peers ?? []) this.sample.add(p)
      return true
    } catch (err) {
      // undelivered, refused or timed out: nothing was applied here (a reply lost after the partner
      // mixed costs mass until the next epoch)
      this.stats.failed++
      this.sample.remove(peer)
      this.log.debug({ peer, protocol: this.wire.protocol, err: (err as Error).message }, 'gossip exchange failed')
      return false
    }
  }

  private serve (body: M & Peers, from: string): R & Partial<Peers> {
    const now = this.now()
    this.stats.served++
    if (!this.mixer.acceptsEpoch(body.epoch, now)) return this.mixer.stale(now)
    this.sample.add(from)
    for (const p of body.peers) this.sample.add(p)
    const reply = this.mixer.receive(body, now)
    return { ...reply, peers: this.sample.share(2, from) }
  }
}
