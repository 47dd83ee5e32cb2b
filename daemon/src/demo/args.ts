// The demo's few options. Unknown or malformed ones are a DemoUsageError, never a stack trace.
import { parseArgs } from 'node:util'
import { DemoUsageError } from './errors.js'

export interface DemoOptions {
  /** Give up (exit 1) when the hosts are not in band after this long. */
  timeoutMs: number
  /** JSON lines even on a terminal. */
  json: boolean
  help: boolean
}

export const DEMO_HELP = `pnpm demo [--timeout SECONDS] [--json]

Starts four parleyd hosts in this process (memory hypervisors on one fabric, real libp2p on
127.0.0.1 with a fresh pre-shared key), all subscribed to ims/balance.lcc, with most VMs on h1.
Shows the load live until the hosts are within the balance band, then a summary.

  --timeout SECONDS  give up after this long (default 90); exit 1
  --json             JSON lines even on a terminal (the default when stdout is not one)
  --help             this text
`

export function parseDemoArgs (argv: readonly string[]): DemoOptions {
  let values
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { timeout: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } },
      allowPositionals: false,
      strict: true,
    }))
  } catch (e) {
    throw new DemoUsageError((e as Error).message)
  }
  let timeoutMs = 90_000
  if (values.timeout !== undefined) {
    if (!/^\d+(\.\d+)?$/.test(values.timeout) || Number(values.timeout) <= 0) throw new DemoUsageError(`--timeout ${values.timeout} is not a number of seconds above 0`)
    timeoutMs = Math.round(Number(values.timeout) * 1000)
  }
  return { timeoutMs, json: values.json === true, help: values.help === true }
}
