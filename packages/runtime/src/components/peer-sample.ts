// A small random view of the cluster for gossip partners, so that picking one costs O(1) however
// large the cluster. It is filled from discovery's peers now and then (a reservoir sample, one pass)
// and kept moving by the exchanges themselves: a host adds whoever contacts it and the few ids a
// partner passes along, replacing a random entry (Cyclon-like shuffling), and drops a partner that
// failed to answer.

export class PeerSample {
  private readonly view: string[] = []

  constructor (
    private readonly self: string,
    private readonly random: () => number,
    readonly capacity = 16
  ) {}

  get size (): number { return this.view.length }

  /** Refill from a full listing (one pass, keeps `capacity` uniformly chosen entries). */
  fill (peers: Iterable<string>): void {
    let seen = 0
    const pick: string[] = []
    for (const p of peers) {
      if (p === this.self) continue
      seen++
      if (pick.length < this.capacity) pick.push(p)
      else {
        const j = Math.floor(this.random() * seen)
        if (j < this.capacity) pick[j] = p
      }
    }
    for (const p of pick) this.add(p)
  }

  /** A uniformly chosen entry, or undefined when the view is empty. */
  pick (): string | undefined {
    if (this.view.length === 0) return undefined
    return this.view[Math.floor(this.random() * this.view.length)]
  }

  /** Up to `n` distinct entries other than `except`, to pass along in an exchange. */
  share (n: number, except?: string): string[] {
    const out: string[] = []
    for (let tries = 0; tries < 2 * n && out.length < n && this.view.length > 0; tries++) {
      const p = this.pick() as string
      if (p !== except && !out.includes(p)) out.push(p)
    }
    return out
  }

  add (peer: string): void {
    if (peer === this.self || this.view.includes(peer)) return
    if (this.view.length < this.capacity) this.view.push(peer)
    else this.view[Math.floor(this.random() * this.view.length)] = peer
  }

  remove (peer: string): void {
    const i = this.view.indexOf(peer)
    if (i < 0) return
    this.view[i] = this.view[this.view.length - 1] as string
    this.view.pop()
  }
}
