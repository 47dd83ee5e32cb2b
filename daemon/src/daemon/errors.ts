// Failures of a starting or running parleyd that are not configuration errors. Printed as one line
// with a code and a hint; parleyd exits 1.
export class DaemonError extends Error {
  readonly code: string
  readonly hint: string

  constructor (code: string, message: string, hint: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'DaemonError'
    this.code = code
    this.hint = hint
  }
}

export class PeerKeyError extends DaemonError {
  constructor (path: string, detail: string) {
    super('PARLEY_PEER_KEY_INVALID', `the peer key ${path} is unusable: ${detail}`, 'restore it from a backup, or delete it to give this host a new peer id (peers that trusted the old id must relearn it)')
  }
}

export class HypervisorStartError extends DaemonError {
  constructor (uri: string, detail: string, options?: ErrorOptions) {
    super('PARLEY_HYPERVISOR_UNAVAILABLE', `cannot use the hypervisor ${uri}: ${detail}`, 'check that libvirtd runs and this user may connect (virsh -c URI list), or use --hypervisor memory://NAME', options)
  }
}

export class NetworkStartError extends DaemonError {
  constructor (detail: string, options?: ErrorOptions) {
    super('PARLEY_NETWORK_FAILED', `cannot start the peer-to-peer node: ${detail}`, 'check --listen (address in use? port allowed?) and --bootstrap', options)
  }
}

export class DataDirError extends DaemonError {
  constructor (dir: string, detail: string) {
    super('PARLEY_DATA_DIR', `cannot use the data dir ${dir}: ${detail}`, 'create it writable by parleyd, or give another --data-dir')
  }
}
