// parleyd --help, generated from the key table so it never drifts from what is accepted.
import { KEYS } from './keys.js'

export function helpText (): string {
  const rows = KEYS.map(k => {
    const def = k.default === null ? '' : ` (default: ${Array.isArray(k.default) ? (k.default.length === 0 ? 'none' : k.default.join(', ')) : k.default})`
    const live = k.live ? ' [reloads on SIGHUP]' : ''
    return `  --${k.name} ${k.arg}\n      ${k.help}${def}${live}\n      env ${k.env}${k.list ? ' (comma-separated)' : ''}`
  })
  return `Usage: parleyd [flags]

parleyd, the Parley host agent: runs the interaction models this host subscribes to, negotiates VM
placement with its peers over libp2p, and serves the parley CLI on a unix socket.

Configuration, lowest precedence first: built-in defaults, the YAML file (--config FILE, else
PARLEY_CONFIG, else /etc/parley/parley.yaml when it exists), PARLEY_* environment variables, flags.
A key set in a later source replaces the earlier value, lists included.

  --config FILE
      the YAML config file (env PARLEY_CONFIG)
${rows.join('\n')}
  --help, --version

Signals: SIGHUP reloads the configuration (allow-im, trust and log-level apply at once; other
changes are logged as needing a restart). SIGTERM and SIGINT stop the host cleanly.

Exit status:
  0  stopped cleanly
  1  failed at run time (hypervisor, network, socket)
  2  bad configuration: the message names the key and where its value came from
`
}
