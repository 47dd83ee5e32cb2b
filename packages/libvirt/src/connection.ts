import { call } from './errors.js'
import { closeReason, lifecycleEvent, nodeCpuStats, statsRequest } from './convert.js'
import { LibvirtDomain } from './domain.js'
import type { CloseReason, Connection, Domain, DomainStatsOptions, DomainStatsRecord, LifecycleEvent, NodeCpuStats, NodeInfo, Unsubscribe } from './types.js'
import type { ConnHandle, NativeBinding, NativeDomain, NativeLifecycleEvent } from './native.js'

/** Built by open(), which routes the native close callback to peerClosed(). */
export class LibvirtConnection implements Connection {
  readonly uri: string
  readonly #native: NativeBinding
  readonly #h: ConnHandle
  readonly #closedListeners = new Set<(reason: CloseReason) => void>()
  readonly #lifecycle = new Set<(e: LifecycleEvent) => void>()
  #subscription: Promise<number | null> | null = null
  #peerClosed = false

  constructor (native: NativeBinding, h: ConnHandle, uri: string) {
    this.#native = native
    this.#h = h
    this.uri = uri
  }

  /** Called by the native close callback (through open()). */
  peerClosed (reason: number): void {
    this.#peerClosed = true
    const r = closeReason(reason)
    for (const l of [...this.#closedListeners]) l(r)
  }

  get closed (): boolean {
    return this.#peerClosed || this.#native.connIsClosed(this.#h)
  }

  async close (): Promise<void> {
    this.#lifecycle.clear()
    this.#subscription = null
    await call(this.#native.connClose(this.#h))
  }

  async getHostname (): Promise<string> { return await call(this.#native.connGetHostname(this.#h)) }
  async getNodeInfo (): Promise<NodeInfo> { return await call(this.#native.connGetNodeInfo(this.#h)) }
  async getNodeFreeMemory (): Promise<number> { return await call(this.#native.connGetNodeFreeMemory(this.#h)) }

  async getNodeCpuStats (): Promise<NodeCpuStats> {
    return nodeCpuStats(await call(this.#native.connGetNodeCpuStats(this.#h)))
  }

  async listAllDomains (): Promise<Domain[]> {
    return (await call(this.#native.connListAllDomains(this.#h))).map(d => this.#wrap(d))
  }

  async lookupDomainByName (name: string): Promise<Domain> {
    return this.#wrap(await call(this.#native.connLookupDomainByName(this.#h, name)))
  }

  async lookupDomainByUUID (uuid: string): Promise<Domain> {
    return this.#wrap(await call(this.#native.connLookupDomainByUUID(this.#h, uuid)))
  }

  async defineDomain (xml: string): Promise<Domain> {
    return this.#wrap(await call(this.#native.connDefineDomain(this.#h, xml)))
  }

  async createDomain (xml: string): Promise<Domain> {
    return this.#wrap(await call(this.#native.connCreateDomain(this.#h, xml)))
  }

  async getAllDomainStats (options: DomainStatsOptions = {}): Promise<DomainStatsRecord[]> {
    const { stats, flags } = statsRequest(options)
    return await call(this.#native.connGetAllDomainStats(this.#h, stats, flags))
  }

  onLifecycle (listener: (e: LifecycleEvent) => void): Unsubscribe {
    this.#lifecycle.add(listener)
    // One native registration per connection, shared by all listeners.
    this.#subscription ??= call(this.#native.connSubscribeLifecycle(this.#h, (raw: NativeLifecycleEvent) => {
      const e = lifecycleEvent(raw)
      if (e === null) return
      for (const l of [...this.#lifecycle]) l(e)
    }))
    const subscription = this.#subscription
    // A failed registration is not cached: the next onLifecycle tries again.
    subscription.catch(() => { if (this.#subscription === subscription) this.#subscription = null })
    const ready = subscription.then(() => undefined)
    ready.catch(() => {}) // the caller may ignore `ready`; the failure is still visible through it
    const unsubscribe = (): void => {
      if (!this.#lifecycle.delete(listener) || this.#lifecycle.size > 0) return
      if (this.#subscription !== subscription) return
      this.#subscription = null
      subscription.then(id => {
        if (id !== null && !this.#native.connIsClosed(this.#h)) return this.#native.connUnsubscribeLifecycle(this.#h, id)
      }).catch(() => {})
    }
    return Object.assign(unsubscribe, { ready })
  }

  onClosed (listener: (reason: CloseReason) => void): () => void {
    this.#closedListeners.add(listener)
    return () => { this.#closedListeners.delete(listener) }
  }

  #wrap (d: NativeDomain): Domain {
    return new LibvirtDomain(this.#native, d)
  }
}
