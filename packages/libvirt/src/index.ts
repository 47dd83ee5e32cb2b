// @parley/libvirt: a promise-based binding over the libvirt C API (see README.md).
import { LibvirtUnavailableError, call } from './errors.js'
import { binding } from './loader.js'
import { LibvirtConnection } from './connection.js'
import type { Connection } from './types.js'

export { LibvirtError, LibvirtUnavailableError, ErrorCode, UNAVAILABLE_CODE } from './errors.js'
export type { LibvirtErrorInit } from './errors.js'
export { loadBinding, defaultAddonPath } from './loader.js'
export type { LoadResult } from './loader.js'
export type * from './types.js'

/** True when the native addon is built and loads. */
export function isAvailable (): boolean {
  return binding().ok
}

/** Why the binding is unavailable, with the fix; null when it is available. */
export function unavailableReason (): string | null {
  const b = binding()
  return b.ok ? null : b.reason
}

/** libvirt's version as major*1e6 + minor*1e3 + release, or null when unavailable. */
export function libvirtVersion (): number | null {
  const b = binding()
  return b.ok ? b.binding.libvirtVersion : null
}

/** Native connection and domain handles not yet freed, for leak checks; null when unavailable. */
export function liveHandles (): { connections: number, domains: number } | null {
  const b = binding()
  return b.ok ? b.binding.liveHandles() : null
}

/** Opens a libvirt connection (virConnectOpenAuth). Remote URIs get keep-alive (5 s x 3). */
export async function open (uri: string, options: { readonly?: boolean } = {}): Promise<Connection> {
  const b = binding()
  if (!b.ok) throw new LibvirtUnavailableError(b.reason, 'virConnectOpen')
  if (typeof uri !== 'string' || uri.length === 0) throw new TypeError('open: uri must be a non-empty string')
  // The close callback can only fire after the promise settles (it is queued like any event).
  let conn: LibvirtConnection | undefined
  const h = await call(b.binding.open(uri, options.readonly === true, (reason: number) => conn?.peerClosed(reason)))
  conn = new LibvirtConnection(b.binding, h, uri)
  return conn
}
