// What a command needs from the outside world, so tests can run commands in-process.
import { readFileSync, writeFileSync } from 'node:fs'
import { UsageError } from './usage-error.js'

export interface CliIo {
  out: (text: string) => void
  err: (text: string) => void
}

export interface GlobalOptions {
  json?: boolean
  socket?: string
}

export interface CliContext {
  io: CliIo
  /** Set by a command: the status the process exits with. */
  exitCode: number
}

export function readText (path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message
    throw new UsageError('CLI004', `cannot read ${path}: ${why}`, 'check the path and the file\'s permissions')
  }
}

export function writeText (path: string, text: string): void {
  try {
    writeFileSync(path, text)
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message
    throw new UsageError('CLI006', `cannot write ${path}: ${why}`, 'check the file\'s permissions')
  }
}
