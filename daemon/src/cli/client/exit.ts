// Exit statuses of the daemon commands, on top of the shared ones in ../exit-codes.ts.
export const DAEMON_EXIT = {
  ok: 0,
  /** The daemon refused or failed the request (its code is printed), or a drain left VMs behind. */
  refused: 1,
  usage: 2,
  /** parleyd could not be reached on --socket, or went away before answering. */
  unreachable: 3,
  /** drain without --wait: the drain runs, the host is not empty yet. */
  inProgress: 4,
} as const

const UNREACHABLE = new Set(['PARLEY_NO_DAEMON', 'PARLEY_SOCKET_DENIED', 'PARLEY_DAEMON_GONE', 'PARLEY_TIMEOUT'])

export function exitFor (code: string): number {
  return UNREACHABLE.has(code) ? DAEMON_EXIT.unreachable : DAEMON_EXIT.refused
}
