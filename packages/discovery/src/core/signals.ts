import { AbortedError, DiscoveryTimeoutError } from '../errors.js'

export interface Deadline {
  signal: AbortSignal
  /** the error to throw when `signal` has fired: timeout or caller abort */
  error(what: string): Error
}

/** A signal that fires on the caller's abort or after `ms`, whichever comes first. */
export function deadline (ms: number, caller?: AbortSignal): Deadline {
  const timeout = AbortSignal.timeout(ms)
  const signal = caller === undefined ? timeout : AbortSignal.any([caller, timeout])
  return {
    signal,
    error: (what) => caller?.aborted === true
      ? new AbortedError(`${what}: aborted by the caller`)
      : new DiscoveryTimeoutError(`${what}: no answer within ${ms} ms`)
  }
}

/** Resolve with `p`, or reject when `signal` fires. */
export async function raceSignal<T> (p: Promise<T>, signal: AbortSignal, onAbort: () => Error): Promise<T> {
  if (signal.aborted) throw onAbort()
  let listener: (() => void) | undefined
  const aborted = new Promise<never>((_resolve, reject) => {
    listener = () => { reject(onAbort()) }
    signal.addEventListener('abort', listener, { once: true })
  })
  try {
    return await Promise.race([p, aborted])
  } finally {
    if (listener !== undefined) signal.removeEventListener('abort', listener)
  }
}
