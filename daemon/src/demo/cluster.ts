// Four parleyd in this process, through parleyd's own start-up path (Parleyd.start): memory
// hypervisors on one shared fabric so VMs can move between them, real libp2p on 127.0.0.1 (tcp port
// 0, a fresh pre-shared key, h1 as the one bootstrap address), each subscribed to balance.lcc.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { generateSwarmKey } from '@parley/discovery'
import { createMemoryFabric } from '@parley/hypervisor'
import { loadConfig } from '../config/index.js'
import type { DaemonLogging } from '../daemon/logging.js'
import { createNotifier } from '../daemon/sd-notify.js'
import { Parleyd } from '../daemon/service.js'
import { subscribe } from '../daemon/subscribe.js'
import { DemoError, DemoStartError } from './errors.js'
import { memoryUri } from './scenario.js'
import type { DemoScenario } from './scenario.js'

/** How long the hosts get to find each other through the bootstrap host. */
const CONNECT_TIMEOUT_MS = 15_000
const CONNECT_POLL_MS = 50

export interface DemoHost {
  name: string
  daemon: Parleyd
  socket: string
}

export interface DemoCluster {
  hosts: DemoHost[]
  /** Stops every host at once; a host not stopped within `timeoutMs` is named in the result. */
  stop: (reason: string, timeoutMs: number) => Promise<{ late: string[] }>
}

export interface ClusterInit {
  scenario: DemoScenario
  /** Where the key, the data dirs and the control sockets go. */
  dir: string
  imText: string
  imName: string
  logging: DaemonLogging
  /** Named in start errors. */
  logFile: string
}

export async function startCluster (init: ClusterInit): Promise<DemoCluster> {
  const { scenario, dir, logging } = init
  const psk = join(dir, 'swarm.key')
  writeFileSync(psk, generateSwarmKey() + '\n', { mode: 0o600 })
  const fabric = createMemoryFabric()
  const hosts: DemoHost[] = []
  const cluster: DemoCluster = {
    hosts,
    stop: async (reason, timeoutMs) => {
      const late: string[] = []
      await Promise.all(hosts.map(async h => {
        let timer: NodeJS.Timeout | undefined
        const timedOut = new Promise<'late'>(resolve => { timer = setTimeout(() => { resolve('late') }, timeoutMs) })
        const outcome = await Promise.race([h.daemon.stop(reason).then(() => 'stopped' as const, () => 'stopped' as const), timedOut])
        clearTimeout(timer)
        if (outcome === 'late') late.push(h.name)
      }))
      return { late }
    },
  }
  try {
    for (const spec of scenario.hosts) {
      const socket = join(dir, `${spec.name}.sock`)
      const bootstrap = hosts[0]?.daemon.host.discovery.addresses()[0]
      const argv = [
        '--hypervisor', memoryUri(spec, scenario.demand),
        '--listen', '/ip4/127.0.0.1/tcp/0',
        '--psk', psk,
        '--socket', socket,
        '--data-dir', join(dir, spec.name),
        '--http', 'off',
        '--allow-im', init.imName,
        '--shutdown-timeout', '2s',
        ...scenario.policyArgs,
        ...(bootstrap === undefined ? [] : ['--bootstrap', bootstrap]),
      ]
      const logger = logging.logger.child({ host: spec.name })
      const hostLogging: DaemonLogging = { logger, setLevel: logging.setLevel }
      let daemon: Parleyd
      try {
        const loaded = loadConfig({ argv, env: {}, defaultFile: join(dir, 'no-config.yaml') })
        daemon = await Parleyd.start(loaded, {
          logging: hostLogging,
          notifier: createNotifier({ env: {} }, logger),
          reloadConfig: () => loaded,
          fabric,
        })
      } catch (e) {
        throw new DemoStartError(spec.name, describe(e), init.logFile, { cause: e })
      }
      hosts.push({ name: spec.name, daemon, socket })
    }
    // Subscribe only once the peers see each other, and all at once: a host that takes a role
    // while the others' load reports are still on their way works from a partial cluster mean.
    await connected(hosts, CONNECT_TIMEOUT_MS)
    await Promise.all(hosts.map(async h => {
      try {
        await subscribe(h.daemon.host, { text: init.imText, name: init.imName })
      } catch (e) {
        throw new DemoStartError(h.name, `subscribing to ${init.imName}: ${describe(e)}`, init.logFile, { cause: e })
      }
    }))
  } catch (e) {
    await cluster.stop('start failed', 5000)
    throw e
  }
  return cluster
}

/** Waits until the bootstrap host is connected to every other host and each of them to it. */
async function connected (hosts: DemoHost[], timeoutMs: number): Promise<void> {
  const [first, ...rest] = hosts
  if (first === undefined) return
  const firstId = first.daemon.host.discovery.peerId
  const ready = (): boolean => {
    const peers = new Set(first.daemon.host.discovery.peers())
    return rest.every(h => peers.has(h.daemon.host.discovery.peerId) && h.daemon.host.discovery.peers().includes(firstId))
  }
  const deadline = Date.now() + timeoutMs
  while (!ready()) {
    if (Date.now() >= deadline) {
      const missing = rest.filter(h => !h.daemon.host.discovery.peers().includes(firstId)).map(h => h.name)
      throw new DemoError('PARLEY_DEMO_NOT_CONNECTED', `the hosts did not connect within ${timeoutMs / 1000}s (not connected to ${first.name}: ${missing.join(', ') || 'none'})`, 'is loopback (127.0.0.1) usable here? see the demo log')
    }
    await new Promise(resolve => setTimeout(resolve, CONNECT_POLL_MS))
  }
}

function describe (e: unknown): string {
  const coded = e as { code?: unknown, message?: unknown, hint?: unknown }
  const code = typeof coded.code === 'string' ? `${coded.code}: ` : ''
  const hint = typeof coded.hint === 'string' ? ` (hint: ${coded.hint})` : ''
  return `${code}${String(coded.message ?? e)}${hint}`
}
