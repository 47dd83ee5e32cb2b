/**
 * Self-queries on a back-off while the routing table is short: a node whose table holds fewer than
 * `enough` peers looks itself up 2, 4, 8, ... seconds after it starts, until the table is full
 * enough or the gap reaches kad-dht's own interval (5 min), which takes over from there.
 *
 * Why: a node that starts alongside many others learns only the few peers its bootstrap node knew
 * at that moment; kad-dht's first self-query runs a second after start and the next one 5 min
 * later, which left late joiners with a 1-peer routing table for minutes. A fixed 30 s interval
 * fixed that but cost every node a full DHT query every 30 s for good: half the background CPU of
 * a 100-node cluster (lookup bench: 8.3 -> 3.9 millicores per node with the 5 min interval). Self-
 * queries on a back-off for every node whatever its table slowed a 100-node start from 20 to 71 s.
 */
import type { Libp2p } from 'libp2p'
import type { Timers } from '../types.js'

export interface SelfQueryLog { debug: (o: object, m: string) => void }

export class SelfQueryWarmUp {
  private timer: unknown
  private delay: number
  private stopped = false

  constructor (
    private readonly node: Pick<Libp2p, 'peerId' | 'peerRouting'>,
    private readonly timers: Timers,
    private readonly log: SelfQueryLog,
    /** the first gap; it doubles after each query */
    firstMs: number,
    /** stop once the gap reaches this (kad-dht's own self-query interval) */
    private readonly untilMs: number,
    /** the routing table's size now */
    private readonly tableSize: () => number,
    /** no warm-up query once the table holds this many peers (kad-dht's bucket size) */
    private readonly enough = 20
  ) {
    this.delay = firstMs
  }

  start (): void {
    if (this.delay <= 0 || this.delay >= this.untilMs) return
    this.timer = this.timers.setTimeout(() => { void this.run() }, this.delay)
  }

  stop (): void {
    this.stopped = true
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer)
  }

  private async run (): Promise<void> {
    if (this.stopped) return
    if (this.tableSize() >= this.enough) return
    const started = Date.now()
    let peers = 0
    try {
      const signal = AbortSignal.timeout(Math.max(5000, this.delay))
      for await (const _ of this.node.peerRouting.getClosestPeers(this.node.peerId.toMultihash().bytes, { signal })) peers++
    } catch (err) {
      this.log.debug({ err: (err as Error).message }, 'warm-up self-query failed')
    }
    this.log.debug({ peers, ms: Date.now() - started, nextMs: this.delay * 2 }, 'warm-up self-query')
    this.delay *= 2
    if (!this.stopped && this.delay < this.untilMs) this.timer = this.timers.setTimeout(() => { void this.run() }, this.delay)
  }
}
