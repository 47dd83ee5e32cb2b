// What the program needs from the outside world, so tests run it in-process.
import { readFileSync, writeFileSync } from 'node:fs'
import { UsageError } from './usage-error.js'

export interface CliIo {
  out: (text: string) => void
  err: (text: string) => void
  /** Progress as a bar (a terminal) rather than JSON lines. */
  readonly errIsTty: boolean
}

export function readText (path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message
    throw new UsageError('CLI004', `cannot read ${path}: ${why}`, 'check the path and the file\'s permissions')
  }
}

export function writeBytes (path: string, bytes: Uint8Array | string): void {
  try {
    writeFileSync(path, bytes)
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message
    throw new UsageError('CLI006', `cannot write ${path}: ${why}`, 'check the directory and the file\'s permissions')
  }
}
