// The daemon's version, from its package.json (dist/src/daemon -> the package root).
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export function daemonVersion (): string {
  try {
    const path = fileURLToPath(new URL('../../../package.json', import.meta.url))
    return (JSON.parse(readFileSync(path, 'utf8')) as { version?: string }).version ?? 'unknown'
  } catch {
    return 'unknown'
  }
}
