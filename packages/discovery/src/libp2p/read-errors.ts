import { BadFrameError, DiscoveryError, DiscoveryTimeoutError, FrameTooLargeError } from '../errors.js'

/** Map what lpStream.read throws to our coded errors. */
export function readError (err: unknown, maxBytes: number, timedOut: boolean): DiscoveryError {
  if (err instanceof DiscoveryError) return err
  const name = (err as Error)?.name
  if (name === 'InvalidDataLengthError' || name === 'InvalidDataLengthLengthError') return new FrameTooLargeError(undefined, maxBytes)
  if (timedOut || name === 'AbortError' || name === 'TimeoutError') return new DiscoveryTimeoutError('no complete frame within the read timeout')
  return new BadFrameError(`${name ?? 'error'}: ${(err as Error)?.message ?? String(err)}`.slice(0, 300))
}
