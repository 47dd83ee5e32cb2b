// The parley CLI's exit statuses, documented in `parley --help`.
export const EXIT = {
  /** Done; diagnostics, if any, were warnings or notes only. */
  ok: 0,
  /** The input has errors (or, for `im fmt --check`, is not formatted). */
  findings: 1,
  /** Bad command line: unknown option, missing argument, unreadable file. */
  usage: 2,
} as const

export const EXIT_HELP = `
Exit status:
  0  success; only warnings or notes were found
  1  errors were found (im fmt --check: a file is not formatted)
  2  usage error: unknown command or option, missing argument, unreadable file
Daemon commands (status, peers, vms, subscribe, unsubscribe, drain, uncordon):
  0  done (drain: the host is empty; drain --dry-run: every VM could move)
  1  parleyd refused the request (its code and hint are printed), or drain left VMs on the host
  3  parleyd is not reachable on --socket (error PARLEY_NO_DAEMON and the like)
  4  drain without --wait: the host is cordoned and still draining`
