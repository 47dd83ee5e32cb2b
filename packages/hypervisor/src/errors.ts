// One class per failure. `code` is stable (logs, control API, CLI exit paths match on it);
// `hint` tells the operator what to do next.

export type HypervisorErrorCode =
  | 'HV_DOMAIN_NOT_FOUND'
  | 'HV_DOMAIN_EXISTS'
  | 'HV_INVALID_SPEC'
  | 'HV_INVALID_STATE'
  | 'HV_UNAVAILABLE'
  | 'HV_UNSUPPORTED'
  | 'HV_HOST_POWERED_OFF'
  | 'HV_HOST_BUSY'
  | 'HV_PEER_UNREACHABLE'
  | 'HV_INSUFFICIENT_MEMORY'
  | 'HV_MIGRATION_FAILED'
  | 'HV_MIGRATION_ABORTED'
  | 'HV_OPERATION_FAILED'
  | 'HV_MIGRATION_PROTOCOL'

/** Where a domain is after a failed operation that may have moved it. */
export type DomainLocation = 'source' | 'destination' | 'unknown'

export abstract class HypervisorError extends Error {
  abstract readonly code: HypervisorErrorCode
  readonly hint: string
  constructor (message: string, hint: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
    this.hint = hint
  }
}

export class DomainNotFoundError extends HypervisorError {
  readonly code = 'HV_DOMAIN_NOT_FOUND'
  constructor (readonly domain: string, host: string, options?: { cause?: unknown }) {
    super(`domain '${domain}' not found on ${host}`, 'list the host\'s domains; the domain may have been migrated away or undefined', options)
  }
}

export class DomainExistsError extends HypervisorError {
  readonly code = 'HV_DOMAIN_EXISTS'
  constructor (readonly domain: string, host: string, options?: { cause?: unknown }) {
    super(`domain '${domain}' already exists on ${host}`, 'choose another name, or undefine the existing domain first', options)
  }
}

export class InvalidSpecError extends HypervisorError {
  readonly code = 'HV_INVALID_SPEC'
  constructor (readonly field: string, problem: string, options?: { cause?: unknown }) {
    super(`invalid domain spec: ${field} ${problem}`, 'a spec needs a name (no "/" or control characters), integer vcpus >= 1 and integer memoryMiB >= 1', options)
  }
}

export class InvalidStateError extends HypervisorError {
  readonly code = 'HV_INVALID_STATE'
  constructor (readonly domain: string, readonly operation: string, readonly state: string, options?: { cause?: unknown }) {
    super(`cannot ${operation} domain '${domain}' while it is ${state}`, 'check the domain state first (e.g. start it before migrating, destroy it before undefining a running transient domain)', options)
  }
}

export class HypervisorUnavailableError extends HypervisorError {
  readonly code = 'HV_UNAVAILABLE'
  constructor (readonly reason: string, options?: { cause?: unknown }) {
    super(`hypervisor unavailable: ${reason}`, 'check that libvirtd is running and the URI is reachable, or use the memory backend', options)
  }
}

export class UnsupportedError extends HypervisorError {
  readonly code = 'HV_UNSUPPORTED'
  constructor (readonly operation: string, why: string) {
    super(`${operation} is not supported: ${why}`, 'use the memory backend (simulator) for this operation, or do it out of band')
  }
}

export class HostPoweredOffError extends HypervisorError {
  readonly code = 'HV_HOST_POWERED_OFF'
  constructor (host: string) {
    super(`host ${host} is powered off`, 'power the host on before using it')
  }
}

export class HostBusyError extends HypervisorError {
  readonly code = 'HV_HOST_BUSY'
  constructor (host: string, readonly running: string[]) {
    super(`host ${host} still runs ${running.length} domain(s): ${running.slice(0, 5).join(', ')}`, 'migrate or stop every running domain before powering the host off')
  }
}

/** The destination has no room for the guest's memory (the memory backend commits no more than it has). */
export class InsufficientMemoryError extends HypervisorError {
  readonly code = 'HV_INSUFFICIENT_MEMORY'
  readonly location: DomainLocation = 'source'
  constructor (readonly domain: string, host: string, readonly needKiB: number, readonly freeKiB: number) {
    super(`host ${host} has ${Math.floor(freeKiB / 1024)} MiB of guest memory free, '${domain}' needs ${Math.ceil(needKiB / 1024)} MiB`, 'the domain still runs on the source; pick a host with more free memory')
  }
}

export class PeerUnreachableError extends HypervisorError {
  readonly code = 'HV_PEER_UNREACHABLE'
  readonly location: DomainLocation = 'source'
  constructor (readonly peerUri: string, reason: string, options?: { cause?: unknown }) {
    super(`migration peer ${peerUri} is unreachable: ${reason}`, 'check the peer\'s migration URI and that its libvirtd listens there; the domain is still on the source', options)
  }
}

export class MigrationFailedError extends HypervisorError {
  readonly code = 'HV_MIGRATION_FAILED'
  constructor (readonly domain: string, readonly peerUri: string, reason: string, readonly location: DomainLocation, options?: { cause?: unknown }) {
    super(`migration of '${domain}' to ${peerUri} failed: ${reason}`, location === 'source'
      ? 'the domain still runs on the source; retry later or pick another peer'
      : 'the domain\'s location is uncertain: list both hosts before acting on it', options)
  }
}

export class MigrationAbortedError extends HypervisorError {
  readonly code = 'HV_MIGRATION_ABORTED'
  readonly location: DomainLocation = 'source'
  constructor (readonly domain: string, readonly peerUri: string, options?: { cause?: unknown }) {
    super(`migration of '${domain}' to ${peerUri} was aborted`, 'the domain still runs on the source', options)
  }
}

export class OperationFailedError extends HypervisorError {
  readonly code = 'HV_OPERATION_FAILED'
  constructor (readonly operation: string, reason: string, options?: { cause?: unknown }) {
    super(`${operation} failed: ${reason}`, 'see the hypervisor log for details', options)
  }
}

/** A migration peer sent bytes that are not a valid frame or message of the memory+tcp protocol. */
export class MigrationProtocolError extends HypervisorError {
  readonly code = 'HV_MIGRATION_PROTOCOL'
  constructor (readonly problem: string, options?: { cause?: unknown }) {
    super(`invalid migration message: ${problem}`, 'only memory+tcp migration sources of the same Parley version may connect to this port; check what dials it', options)
  }
}

export function isHypervisorError (e: unknown): e is HypervisorError {
  return e instanceof HypervisorError
}
