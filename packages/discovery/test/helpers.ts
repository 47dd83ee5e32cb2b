import { pino, type Logger } from 'pino'
import { Writable } from 'node:stream'

/** Poll `probe` until it returns a truthy value or `ms` pass. */
export async function waitFor<T> (probe: () => Promise<T> | T, ms = 8000, every = 50): Promise<T> {
  const end = Date.now() + ms
  let last: T
  for (;;) {
    last = await probe()
    if (last) return last
    if (Date.now() > end) return last
    await new Promise(resolve => setTimeout(resolve, every))
  }
}

/** Expect `p` to reject with a DiscoveryError of `code`; returns the error. */
export async function rejectsWithCode (p: Promise<unknown>, code: string | string[]): Promise<any> {
  const codes = Array.isArray(code) ? code : [code]
  try {
    await p
  } catch (err) {
    const c = (err as { code?: string }).code
    if (c === undefined || !codes.includes(c)) {
      throw new Error(`expected error code ${codes.join('|')}, got ${c ?? 'none'}: ${(err as Error).message}`, { cause: err })
    }
    return err
  }
  throw new Error(`expected error code ${codes.join('|')}, but it resolved`)
}

/** A pino logger that keeps its lines in memory (for asserting what was logged). */
export function captureLogger (): { logger: Logger, lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = []
  const sink = new Writable({
    write (chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l.trim() !== '') lines.push(JSON.parse(l))
      cb()
    }
  })
  return { logger: pino({ level: 'debug' }, sink), lines }
}

export const silent = pino({ level: 'silent' })
