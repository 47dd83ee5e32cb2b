/**
 * Every failure the discovery layer reports. Each class has a stable `code` (what callers and the
 * wire match on) and a `hint` for the operator. Errors that cross the wire keep their code: the
 * receiving side rebuilds the same class from it (see `errorFromWire`).
 */
export class DiscoveryError extends Error {
  readonly code: string
  readonly hint: string | undefined
  /** true when the error was reported by the remote peer rather than raised locally */
  remote = false

  constructor (code: string, message: string, hint?: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
    this.hint = hint
  }
}

export class DiscoveryTimeoutError extends DiscoveryError {
  override name = 'DiscoveryTimeoutError'
  constructor (message: string, hint = 'the peer or the DHT did not answer in time; retry or raise the timeout') {
    super('DISC_TIMEOUT', message, hint)
  }
}

export class AbortedError extends DiscoveryError {
  override name = 'AbortedError'
  constructor (message = 'the operation was aborted by the caller') {
    super('DISC_ABORTED', message)
  }
}

export class PeerUnreachableError extends DiscoveryError {
  override name = 'PeerUnreachableError'
  constructor (peerId: string, cause?: unknown) {
    super('DISC_PEER_UNREACHABLE', `peer ${peerId} could not be reached`,
      'check that the peer runs, shares the cluster key and is routable', { cause })
  }
}

export class NoHandlerError extends DiscoveryError {
  override name = 'NoHandlerError'
  constructor (protocol: string) {
    super('DISC_NO_HANDLER', `the peer does not serve ${protocol}`,
      'the peer runs another version or has not registered this protocol')
  }
}

export class FrameTooLargeError extends DiscoveryError {
  override name = 'FrameTooLargeError'
  constructor (size: number | undefined, limit: number) {
    super('DISC_FRAME_TOO_LARGE',
      `frame of ${size === undefined ? 'unknown size' : `${size} bytes`} exceeds the limit of ${limit} bytes`,
      'send less data per message, or raise maxFrameBytes on both peers')
  }
}

export class BadFrameError extends DiscoveryError {
  override name = 'BadFrameError'
  constructor (detail: string) {
    super('DISC_BAD_FRAME', `malformed frame: ${detail}`,
      'the peer speaks another wire format or is misbehaving')
  }
}

export class SchemaError extends DiscoveryError {
  override name = 'SchemaError'
  constructor (detail: string) {
    super('DISC_SCHEMA_INVALID', `message does not match the protocol schema: ${detail}`,
      'the peers disagree on the message format of this protocol')
  }
}

export class RateLimitedError extends DiscoveryError {
  override name = 'RateLimitedError'
  constructor (peerId: string) {
    super('DISC_RATE_LIMITED', `too many requests from ${peerId}`,
      'slow down; the per-peer request rate is bounded (rateLimit in the discovery init)')
  }
}

/** The remote handler failed; `remoteCode` is the code the handler's error carried. */
export class RemoteHandlerError extends DiscoveryError {
  override name = 'RemoteHandlerError'
  readonly remoteCode: string
  constructor (remoteCode: string, message: string, hint?: string) {
    super('DISC_REMOTE_ERROR', message, hint)
    this.remoteCode = remoteCode
  }
}

export class ArtefactNotFoundError extends DiscoveryError {
  override name = 'ArtefactNotFoundError'
  constructor (hash: string) {
    super('DISC_ARTEFACT_NOT_FOUND', `no provider served artefact ${hash}`,
      'the artefact was never published, or its providers are down')
  }
}

export class BadHashError extends DiscoveryError {
  override name = 'BadHashError'
  constructor (hash: string) {
    super('DISC_BAD_HASH', `"${hash}" is not a sha2-256 CID`, 'artefact hashes are CIDv1 strings like bafkrei...')
  }
}

export class HashMismatchError extends DiscoveryError {
  override name = 'HashMismatchError'
  constructor (expected: string, actual: string) {
    super('DISC_HASH_MISMATCH', `artefact content hashes to ${actual}, expected ${expected}`,
      'the provider served other bytes than asked for; it is faulty or hostile')
  }
}

export class UnsignedComponentError extends DiscoveryError {
  override name = 'UnsignedComponentError'
  constructor (hash: string) {
    super('DISC_UNSIGNED_COMPONENT', `component ${hash} carries no signature`,
      'components are code: sign them with signComponent() and a key the hosts trust')
  }
}

export class UntrustedSignerError extends DiscoveryError {
  override name = 'UntrustedSignerError'
  constructor (hash: string, signer: string) {
    super('DISC_UNTRUSTED_SIGNER', `component ${hash} is signed by ${signer}, which this host does not trust`,
      'add the signer\'s public key to trustedKeys in the host config if you trust it')
  }
}

export class BadSignatureError extends DiscoveryError {
  override name = 'BadSignatureError'
  constructor (hash: string) {
    super('DISC_BAD_SIGNATURE', `the signature on component ${hash} does not verify`,
      'the component or its signature was altered; re-sign it')
  }
}

export class BadKeyError extends DiscoveryError {
  override name = 'BadKeyError'
  constructor (what: string, detail: string, hint: string) {
    super('DISC_BAD_KEY', `invalid ${what}: ${detail}`, hint)
  }
}

export class InvalidArgumentError extends DiscoveryError {
  override name = 'InvalidArgumentError'
  constructor (detail: string, hint?: string) {
    super('DISC_BAD_ARGUMENT', detail, hint)
  }
}

export class StoppedError extends DiscoveryError {
  override name = 'StoppedError'
  constructor () {
    super('DISC_STOPPED', 'the discovery node is stopped')
  }
}

/** Rebuild a local error from a code that came over the wire, keeping the remote message. */
export function errorFromWire (code: string, message: string, hint?: string): DiscoveryError {
  let err: DiscoveryError
  switch (code) {
    case 'DISC_FRAME_TOO_LARGE': err = new FrameTooLargeError(undefined, 0); break
    case 'DISC_BAD_FRAME': err = new BadFrameError(''); break
    case 'DISC_SCHEMA_INVALID': err = new SchemaError(''); break
    case 'DISC_RATE_LIMITED': err = new RateLimitedError(''); break
    case 'DISC_NO_HANDLER': err = new NoHandlerError(''); break
    case 'DISC_TIMEOUT': err = new DiscoveryTimeoutError(''); break
    case 'DISC_ARTEFACT_NOT_FOUND': err = new ArtefactNotFoundError(''); break
    default: return Object.assign(new RemoteHandlerError(code, message, hint), { remote: true })
  }
  err.message = message
  err.remote = true
  return err
}
