// mkdir -p without fs.mkdirSync's `recursive`, which loops forever on some paths (e.g. under /proc,
// seen with Node 24): each missing component is created in turn and the first real error thrown.
import { mkdirSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

export function makeDirs (path: string, mode: number): void {
  const target = resolve(path)
  const missing: string[] = []
  let at = target
  for (;;) {
    try {
      if (!statSync(at).isDirectory()) throw Object.assign(new Error(`${at} is not a directory`), { code: 'ENOTDIR' })
      break
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
    }
    missing.unshift(at)
    const parent = dirname(at)
    if (parent === at) break
    at = parent
  }
  for (const dir of missing) {
    try {
      mkdirSync(dir, { mode })
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    }
  }
}
