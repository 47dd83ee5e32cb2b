// Shared by the tests that run the real runtime: the policy text from ims/.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { PolicySource } from '../src/index.js'

/** dist/test -> the repository root */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..')

export function balancePolicy (): PolicySource {
  const file = join(ROOT, 'ims', 'balance.lcc')
  return { file, name: 'balance', text: readFileSync(file, 'utf8') }
}
