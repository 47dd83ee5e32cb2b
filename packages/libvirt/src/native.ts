// The shape of the compiled addon (src/native/*.cc). Handles are opaque externals.
declare const connBrand: unique symbol
declare const domainBrand: unique symbol
export type ConnHandle = { readonly [connBrand]: true }
export type DomainHandle = { readonly [domainBrand]: true }

export interface NativeDomain { handle: DomainHandle, name: string, uuid: string }
export interface NativeDomainInfo { state: number, maxMemKiB: number, memoryKiB: number, vcpus: number, cpuTimeNs: number }
export type NativeParams = Record<string, number | string | boolean>
export interface NativeLifecycleEvent { domain: string, uuid: string, event: number, detail: number }

export interface NativeBinding {
  libvirtVersion: number
  /** Wrapped native handles not yet freed (freed after GC, on a cleanup thread). */
  liveHandles(): { connections: number, domains: number }
  open(uri: string, readonly: boolean, onClosed: (reason: number) => void): Promise<ConnHandle>
  connClose(c: ConnHandle): Promise<void>
  connIsClosed(c: ConnHandle): boolean
  connGetHostname(c: ConnHandle): Promise<string>
  connGetNodeInfo(c: ConnHandle): Promise<{ model: string, memoryKiB: number, cpus: number, mhz: number, nodes: number, sockets: number, cores: number, threads: number }>
  connGetNodeFreeMemory(c: ConnHandle): Promise<number>
  connGetNodeCpuStats(c: ConnHandle): Promise<Record<string, number>>
  connListAllDomains(c: ConnHandle): Promise<NativeDomain[]>
  connLookupDomainByName(c: ConnHandle, name: string): Promise<NativeDomain>
  connLookupDomainByUUID(c: ConnHandle, uuid: string): Promise<NativeDomain>
  connDefineDomain(c: ConnHandle, xml: string): Promise<NativeDomain>
  connCreateDomain(c: ConnHandle, xml: string): Promise<NativeDomain>
  connGetAllDomainStats(c: ConnHandle, stats: number, flags: number): Promise<Array<{ name: string, uuid: string, params: NativeParams }>>
  connSubscribeLifecycle(c: ConnHandle, fn: (e: NativeLifecycleEvent) => void): Promise<number>
  connUnsubscribeLifecycle(c: ConnHandle, id: number): Promise<void>
  domainGetInfo(d: DomainHandle): Promise<NativeDomainInfo>
  domainGetXMLDesc(d: DomainHandle, flags: number): Promise<string>
  domainIsActive(d: DomainHandle): Promise<boolean>
  domainIsPersistent(d: DomainHandle): Promise<boolean>
  domainStart(d: DomainHandle): Promise<void>
  domainShutdown(d: DomainHandle): Promise<void>
  domainDestroy(d: DomainHandle): Promise<void>
  domainUndefine(d: DomainHandle): Promise<void>
  domainMigrate(d: DomainHandle, dconnuri: string, params: object, flags: object): Promise<void>
  domainGetJobStats(d: DomainHandle, completed: boolean): Promise<{ type: number, params: NativeParams }>
  domainAbortJob(d: DomainHandle): Promise<void>
}
