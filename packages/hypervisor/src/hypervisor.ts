// The contract the daemon, runtime and simulator program against. Backends: src/memory, src/libvirt.
// Units are in the names: KiB for memory figures read from the host (libvirt's unit), MiB for what an
// operator writes (specs, bandwidth), ns for CPU time, ms for clock time.

export type DomainState =
  | 'running' | 'blocked' | 'paused' | 'shutdown' | 'shutoff' | 'crashed' | 'pmsuspended' | 'nostate'

export interface DomainMemory {
  /** Memory the guest was given (libvirt `<memory>`). */
  maxKiB: number
  /** Balloon size as the host sees it; equals maxKiB without a balloon driver. */
  currentKiB: number
  /** Resident set of the guest process, when the backend knows it. */
  rssKiB: number | null
}

export interface DomainInfo {
  name: string
  uuid: string
  state: DomainState
  persistent: boolean
  vcpus: number
  memory: DomainMemory
  /** Cumulative CPU time of all vCPUs. It may restart from 0 when the guest process changes. */
  cpuTimeNs: number
  /**
   * Set while a live migration involves this domain. 'out': this host is sending it and still owns
   * it. 'in': an incoming copy that is not yet this host's (it becomes owned when the migration
   * completes). A domain is owned by the hosts that list it without migrating === 'in'.
   */
  migrating?: 'in' | 'out'
}

export interface NodeCapacity {
  cpus: number
  memoryKiB: number
}

export interface HostInfo {
  /** Stable identifier of the host (libvirt: its hostname; memory: init.id). */
  id: string
  hostname: string
  /** What a peer passes to migrate() to send a domain here. */
  migrationUri: string
  backend: 'libvirt' | 'memory'
}

/** One observation of a host, the load model's input. */
export interface HostSample {
  atMs: number
  capacity: NodeCapacity
  domains: DomainInfo[]
}

export interface DomainSpec {
  name: string
  vcpus: number
  memoryMiB: number
  uuid?: string
  /** libvirt only: full domain XML used instead of the generated one (its name must equal `name`). */
  xml?: string
}

export interface MigrationProgress {
  processedBytes: number
  remainingBytes: number
  totalBytes: number
  elapsedMs: number
}

export interface MigrateOptions {
  /** Cap on the transfer rate. Default: the backend's (unlimited for libvirt). */
  bandwidthMiBs?: number
  /** Aborting cancels the job; the domain keeps running on the source. */
  signal?: AbortSignal
  onProgress?: (p: MigrationProgress) => void
  /** How often progress is sampled (libvirt polls the job). Default 250 ms. */
  progressIntervalMs?: number
  /** libvirt only: the QEMU data-plane URI (e.g. tcp://10.0.0.2), when it differs from the peer's host. */
  dataUri?: string
}

export interface MigrationResult {
  domain: string
  uuid: string
  from: string
  /** Where the domain is now: the peer's migration URI. */
  location: string
  elapsedMs: number
  bytes: number
}

export type HypervisorEventType =
  | 'defined' | 'undefined' | 'started' | 'stopped' | 'suspended' | 'resumed' | 'crashed'
  | 'migrated-in' | 'migrated-out'

export interface HypervisorEvent {
  type: HypervisorEventType
  domain: string
  uuid: string
  atMs: number
  /** Why, where the backend says (e.g. 'destroyed', 'shutdown', 'booted'). */
  reason?: string
}

export type HypervisorListener = (e: HypervisorEvent) => void

export type PowerState = 'on' | 'off'

export interface Hypervisor {
  readonly backend: 'libvirt' | 'memory'
  host (): Promise<HostInfo>
  capacity (): Promise<NodeCapacity>
  list (): Promise<DomainInfo[]>
  /** @throws DomainNotFoundError */
  get (name: string): Promise<DomainInfo>
  sample (): Promise<HostSample>

  /** Persistently defines a shut-off domain. @throws InvalidSpecError, DomainExistsError */
  define (spec: DomainSpec): Promise<DomainInfo>
  start (name: string): Promise<void>
  /** Asks the guest to shut down (ACPI); returns before it has stopped. */
  shutdown (name: string): Promise<void>
  /** Hard power-off of the domain. */
  destroy (name: string): Promise<void>
  undefine (name: string): Promise<void>

  /**
   * Live-migrates a running domain to the host whose HostInfo.migrationUri is `peerUri`; the domain
   * becomes persistent there and is undefined here. On any failure (typed: PeerUnreachableError,
   * MigrationAbortedError, MigrationFailedError) the error's `location` says where the domain is,
   * 'source' unless the backend could not tell.
   */
  migrate (name: string, peerUri: string, options?: MigrateOptions): Promise<MigrationResult>

  /** Returns an unsubscribe function. */
  on (listener: HypervisorListener): () => void
  /** Events from now on until `signal` aborts or close(). */
  events (signal?: AbortSignal): AsyncIterable<HypervisorEvent>

  /**
   * Host power, for consolidation. The memory backend powers a simulated host off (it must run no
   * domain) and on. libvirt reports 'on' and refuses powerOff with UnsupportedError: Parley never
   * powers off real hosts.
   */
  powerState (): PowerState
  powerOff (): Promise<void>
  powerOn (): Promise<void>

  close (): Promise<void>
}
