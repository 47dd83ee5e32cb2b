/** Named libvirt error numbers (virErrorNumber) that callers commonly branch on. */
export const ErrorCode = {
  INTERNAL_ERROR: 1,
  NO_SUPPORT: 3,
  NO_CONNECT: 5,
  INVALID_CONN: 6,
  INVALID_DOMAIN: 7,
  INVALID_ARG: 8,
  OPERATION_FAILED: 9,
  XML_ERROR: 27,
  DOM_EXIST: 28,
  XML_DETAIL: 35,
  SYSTEM_ERROR: 38,
  RPC: 39,
  NO_DOMAIN: 42,
  AUTH_FAILED: 45,
  OPERATION_INVALID: 55,
  CONFIG_UNSUPPORTED: 67,
  OPERATION_TIMEOUT: 68,
  ARGUMENT_UNSUPPORTED: 74,
  OPERATION_ABORTED: 78,
  MIGRATE_UNSAFE: 81,
  OPERATION_UNSUPPORTED: 84,
  RESOURCE_BUSY: 87,
  CPU_INCOMPATIBLE: 91
} as const

/** Our own code for "the native binding is not loaded" (libvirt codes are all >= 0). */
export const UNAVAILABLE_CODE = -1

const codeNames = new Map<number, string>(Object.entries(ErrorCode).map(([k, v]) => [v, k]))

export interface LibvirtErrorInit {
  code: number
  domain: number
  level: number
  operation: string
  hint?: string
}

/** A failed libvirt call: libvirt's own error number, origin (virErrorDomain), level and message. */
export class LibvirtError extends Error {
  override name = 'LibvirtError'
  readonly code: number
  readonly domain: number
  readonly level: number
  /** The libvirt C function that failed, e.g. 'virDomainMigrateToURI3'. */
  readonly operation: string
  readonly hint: string | undefined

  constructor (message: string, init: LibvirtErrorInit) {
    super(message)
    this.code = init.code
    this.domain = init.domain
    this.level = init.level
    this.operation = init.operation
    this.hint = init.hint
  }

  /** 'NO_DOMAIN', 'OPERATION_ABORTED', ... or 'VIR_ERR_<n>' for codes not in ErrorCode. */
  get codeName (): string {
    if (this.code === UNAVAILABLE_CODE) return 'UNAVAILABLE'
    return codeNames.get(this.code) ?? `VIR_ERR_${this.code}`
  }
}

/** The native binding could not be loaded (libvirt-dev missing, build failed, ...). */
export class LibvirtUnavailableError extends LibvirtError {
  override name = 'LibvirtUnavailableError'
  constructor (reason: string, operation: string) {
    super(`libvirt binding unavailable: ${reason}`, {
      code: UNAVAILABLE_CODE,
      domain: 0,
      level: 2,
      operation,
      hint: 'apt-get install libvirt-dev pkg-config, then pnpm --filter @parley/libvirt run build:addon'
    })
  }
}

interface NativeErrorShape { libvirt: true, message: string, code: number, domain: number, level: number, operation: string }

function isNativeError (e: unknown): e is NativeErrorShape {
  return typeof e === 'object' && e !== null && (e as { libvirt?: unknown }).libvirt === true
}

/** Turns the addon's rejection objects into LibvirtError; anything else (e.g. TypeError) passes through. */
export function toLibvirtError (e: unknown): unknown {
  if (!isNativeError(e)) return e
  return new LibvirtError(e.message, { code: e.code, domain: e.domain, level: e.level, operation: e.operation })
}

/** Awaits a native promise, rethrowing libvirt failures as LibvirtError. */
export async function call<T> (p: Promise<T>): Promise<T> {
  try {
    return await p
  } catch (e) {
    throw toLibvirtError(e)
  }
}
