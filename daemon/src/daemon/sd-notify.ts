// Readiness and status for systemd (Type=notify). Node has no unix datagram sockets, so the message
// goes through systemd-notify(1): `systemd-notify --pid=<our pid> READY=1 ...`. Without --no-block it
// waits on a barrier until the manager has read the message, so it does not race its own exit; the
// unit needs NotifyAccess=all because the sender is a child of parleyd. Without NOTIFY_SOCKET this
// does nothing; without systemd-notify it logs once and does nothing.
import { execFile } from 'node:child_process'
import type { Logger } from 'pino'

export interface Notifier {
  readonly enabled: boolean
  notify: (fields: Record<string, string>) => Promise<void>
}

export interface NotifierInit {
  env: Readonly<Record<string, string | undefined>>
  /** The tool to run; default systemd-notify from PATH. */
  command?: string
  pid?: number
}

export function createNotifier (init: NotifierInit, log: Logger): Notifier {
  const socket = init.env.NOTIFY_SOCKET
  if (socket === undefined || socket === '') return { enabled: false, notify: async () => {} }
  const command = init.command ?? 'systemd-notify'
  const pid = init.pid ?? process.pid
  let queue: Promise<void> = Promise.resolve()
  let broken = false
  const send = async (fields: Record<string, string>): Promise<void> => {
    if (broken) return
    const assignments = Object.entries(fields).map(([k, v]) => `${k}=${v.replaceAll('\n', ' ')}`)
    await new Promise<void>(resolve => {
      execFile(command, [`--pid=${pid}`, ...assignments], { env: { ...process.env, NOTIFY_SOCKET: socket }, timeout: 10_000 }, (err, _out, stderr) => {
        if (err !== null) {
          const missing = (err as NodeJS.ErrnoException).code === 'ENOENT'
          if (missing) broken = true
          log.warn({ err: { message: err.message }, stderr: stderr.trim(), socket }, missing ? 'systemd-notify not found: cannot report readiness to systemd' : 'sd_notify failed')
        } else {
          log.debug({ fields: assignments }, 'sd_notify sent')
        }
        resolve()
      })
    })
  }
  return {
    enabled: true,
    notify: async fields => {
      queue = queue.then(async () => { await send(fields) })
      await queue
    },
  }
}
