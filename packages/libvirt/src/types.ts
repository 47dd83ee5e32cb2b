export type DomainState = 'nostate' | 'running' | 'blocked' | 'paused' | 'shutdown' | 'shutoff' | 'crashed' | 'pmsuspended'

export interface NodeInfo { model: string, memoryKiB: number, cpus: number, mhz: number, nodes: number, sockets: number, cores: number, threads: number }

export interface NodeCpuStats { kernelNs: number, userNs: number, idleNs: number, iowaitNs: number }

export interface DomainInfo { state: DomainState, maxMemKiB: number, memoryKiB: number, vcpus: number, cpuTimeNs: number }

/** One virConnectGetAllDomainStats record; params are libvirt's typed parameters by name ('cpu.time', 'balloon.rss', ...). */
export interface DomainStatsRecord { name: string, uuid: string, params: Record<string, number | string | boolean> }

/** virDomainStatsTypes groups. */
export type StatsGroup = 'state' | 'cpu' | 'balloon' | 'vcpu' | 'interface' | 'block' | 'perf' | 'iothread' | 'memory' | 'dirtyrate' | 'vm'

export interface DomainStatsOptions {
  /** Only these groups (default: every group the driver supports). */
  groups?: StatsGroup[]
  /** VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT: skip stats that would wait for a busy domain (e.g. one migrating). */
  nowait?: boolean
  /** Only running domains (VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE). */
  activeOnly?: boolean
}

export type JobType = 'none' | 'bounded' | 'unbounded' | 'completed' | 'failed' | 'cancelled'

/** virDomainGetJobStats. Known fields are mapped; every raw typed parameter is also present under its libvirt name. */
export interface JobStats {
  type: JobType
  timeElapsedMs?: number
  dataTotal?: number
  dataProcessed?: number
  dataRemaining?: number
  memTotal?: number
  memProcessed?: number
  memRemaining?: number
  memBps?: number
  downtimeMs?: number
  [k: string]: unknown
}

export interface MigrateParams {
  /** VIR_MIGRATE_PARAM_URI: the hypervisor's migration URI (e.g. tcp://10.0.0.2); default: chosen by the destination. */
  destUri?: string
  destName?: string
  /** VIR_MIGRATE_PARAM_BANDWIDTH, MiB/s. */
  bandwidthMiBs?: number
  destXml?: string
}

export interface MigrateFlags {
  live?: boolean
  /** Source daemon talks to the destination (virDomainMigrateToURI3); otherwise this process manages the
   *  migration and opens the destination itself (virDomainMigrate3), like `virsh migrate` without --p2p. */
  peer2peer?: boolean
  persistDest?: boolean
  undefineSource?: boolean
  tunnelled?: boolean
  autoConverge?: boolean
  abortOnError?: boolean
}

export type LifecycleEventType = 'defined' | 'undefined' | 'started' | 'suspended' | 'resumed' | 'stopped' | 'shutdown' | 'pmsuspended' | 'crashed'

export interface LifecycleEvent { domain: string, uuid: string, event: LifecycleEventType, detail: number }

/** Why libvirt closed a connection on its own (virConnectCloseReason). */
export type CloseReason = 'error' | 'eof' | 'keepalive' | 'client' | 'unknown'

/** Returned by onLifecycle: call it to unsubscribe; `ready` settles once libvirt has the registration. */
export type Unsubscribe = (() => void) & { ready: Promise<void> }

export interface Connection {
  readonly uri: string
  close(): Promise<void>
  /** True once close() was called or libvirt reported the connection closed. */
  readonly closed: boolean
  getHostname(): Promise<string>
  getNodeInfo(): Promise<NodeInfo>
  /** Bytes. */
  getNodeFreeMemory(): Promise<number>
  getNodeCpuStats(): Promise<NodeCpuStats>
  listAllDomains(): Promise<Domain[]>
  lookupDomainByName(name: string): Promise<Domain>
  lookupDomainByUUID(uuid: string): Promise<Domain>
  /** Persistent definition (virDomainDefineXML). */
  defineDomain(xml: string): Promise<Domain>
  /** Transient, started (virDomainCreateXML). */
  createDomain(xml: string): Promise<Domain>
  getAllDomainStats(options?: DomainStatsOptions): Promise<DomainStatsRecord[]>
  onLifecycle(listener: (e: LifecycleEvent) => void): Unsubscribe
  /** The peer went away (EOF, keep-alive timeout, error). Not called for close(). Returns unsubscribe. */
  onClosed(listener: (reason: CloseReason) => void): () => void
}

export interface Domain {
  readonly name: string
  readonly uuid: string
  getInfo(): Promise<DomainInfo>
  getXMLDesc(options?: { inactive?: boolean, secure?: boolean }): Promise<string>
  isActive(): Promise<boolean>
  isPersistent(): Promise<boolean>
  /** virDomainCreate. */
  start(): Promise<void>
  shutdown(): Promise<void>
  destroy(): Promise<void>
  undefine(): Promise<void>
  /** peer2peer: virDomainMigrateToURI3(dconnuri); otherwise virDomainMigrate3 over a connection to dconnuri. */
  migrate(dconnuri: string, params: MigrateParams, flags: MigrateFlags): Promise<void>
  /** Works while a migration runs (another thread). `completed`: the last finished job's stats. */
  getJobStats(options?: { completed?: boolean }): Promise<JobStats>
  abortJob(): Promise<void>
}
