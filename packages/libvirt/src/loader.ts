// Finds and loads the compiled addon. Importing this package never fails: without the .node file the
// binding is "unavailable" and every entry point says why.
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { NativeBinding } from './native.js'

export type LoadResult = { ok: true, binding: NativeBinding, path: string } | { ok: false, reason: string, path: string }

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** build/Release/parley_libvirt.node, or the file named by PARLEY_LIBVIRT_ADDON. */
export function defaultAddonPath (env: NodeJS.ProcessEnv = process.env): string {
  return env.PARLEY_LIBVIRT_ADDON ?? join(packageDir, 'build', 'Release', 'parley_libvirt.node')
}

function markerReason (addonPath: string): string | null {
  const marker = join(dirname(addonPath), '..', 'unavailable.json')
  if (!existsSync(marker)) return null
  try {
    const m = JSON.parse(readFileSync(marker, 'utf8')) as { reason?: unknown }
    return typeof m.reason === 'string' ? m.reason : null
  } catch {
    return null
  }
}

/** Loads the addon at `addonPath`; never throws. */
export function loadBinding (addonPath: string): LoadResult {
  if (!existsSync(addonPath)) {
    const why = markerReason(addonPath) ??
      'the native addon was not built: apt-get install libvirt-dev pkg-config, then pnpm --filter @parley/libvirt run build:addon'
    return { ok: false, reason: `${why} (missing ${addonPath})`, path: addonPath }
  }
  try {
    const binding = createRequire(import.meta.url)(addonPath) as NativeBinding
    return { ok: true, binding, path: addonPath }
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e)
    return { ok: false, reason: `the native addon ${addonPath} failed to load: ${msg} (rebuild: pnpm --filter @parley/libvirt run build:addon)`, path: addonPath }
  }
}

// The one process-wide addon instance: a native module is loaded once per process anyway, and its
// libvirt event loop thread is process-wide too.
let loaded: LoadResult | undefined

export function binding (): LoadResult {
  loaded ??= loadBinding(defaultAddonPath())
  return loaded
}
