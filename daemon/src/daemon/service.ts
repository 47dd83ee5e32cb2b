// parleyd's lifecycle: start the parts in order (data dir and keys, hypervisor, peer-to-peer node,
// agent, control socket, metrics), reload on SIGHUP, and stop them in reverse on SIGTERM.
import { createLibp2pDiscovery } from '@parley/discovery'
import type { Libp2pDiscovery } from '@parley/discovery'
import { realClock } from '@parley/hypervisor'
import type { Hypervisor, MemoryFabric } from '@parley/hypervisor'
import type { LoadedConfig } from '../config/index.js'
import { claimSocketPath, ControlServer } from '../control/index.js'
import { createDashboard, dashboardBand, hostLoadSources } from '../dashboard/index.js'
import { MetricsHttp, newCounters } from '../metrics/index.js'
import { createAgent } from './agent.js'
import { DrainController } from './drain.js'
import { DaemonError, NetworkStartError } from './errors.js'
import type { Host } from './host.js'
import { HostStateFile } from './host-state.js'
import { openHypervisor } from './hypervisor.js'
import { ensureDataDir, loadOrCreatePeerKey, readPsk } from './keys.js'
import type { DaemonLogging } from './logging.js'
import { controlMethods } from './methods.js'
import { collectMetrics, countAgentEvents } from './metrics.js'
import { applyReload } from './reload.js'
import type { ReloadOutcome } from './reload.js'
import type { Notifier } from './sd-notify.js'
import { restoreSubscriptions } from './subscribe.js'
import { SubscriptionJournal } from './subscriptions.js'
import { daemonVersion } from './version.js'

export interface ParleydDeps {
  logging: DaemonLogging
  notifier: Notifier
  /** Reads the configuration again from the same sources (SIGHUP). */
  reloadConfig: () => LoadedConfig
  /** Joins memory:// hosts started in one process (tests, the demo); see openHypervisor. */
  fabric?: MemoryFabric
}

export class Parleyd {
  private stopping: Promise<void> | null = null

  private constructor (
    readonly host: Host,
    private readonly control: ControlServer,
    private readonly http: MetricsHttp | null,
    private readonly deps: ParleydDeps,
    private readonly metricsAddress: { address: string, port: number } | null,
  ) {}

  get metricsPort (): number | null { return this.metricsAddress?.port ?? null }

  static async start (loaded: LoadedConfig, deps: ParleydDeps): Promise<Parleyd> {
    const { config, origins } = loaded
    const log = deps.logging.logger.child({ component: 'parleyd' })
    const closers: Array<() => Promise<void>> = []
    const cleanup = async (): Promise<void> => { for (const close of closers.reverse()) await close().catch(() => {}) }
    try {
      log.info({ file: loaded.file, hypervisor: config.hypervisor, listen: config.listen, bootstrap: config.bootstrap, socket: config.socket, dataDir: config.dataDir }, 'starting')
      // Before anything binds a port: a second parleyd on this host should fail on the socket.
      await claimSocketPath(config.socket)
      ensureDataDir(config.dataDir)
      const { key } = await loadOrCreatePeerKey(config.dataDir, log)
      const psk = readPsk(config.psk, origins.psk ?? { kind: 'default' }, log)
      const hypervisor: Hypervisor = await openHypervisor(config.hypervisor, config.migrateUri, origins.hypervisor ?? { kind: 'default' }, deps.logging.logger, deps.fabric)
      closers.push(async () => { await hypervisor.close() })
      const hostInfo = await hypervisor.host()
      let discovery: Libp2pDiscovery
      try {
        discovery = await createLibp2pDiscovery(
          { listen: config.listen, bootstrap: config.bootstrap, psk, privateKey: key, trustedKeys: [...config.trust] },
          { logger: deps.logging.logger.child({ component: 'discovery' }) })
      } catch (e) {
        throw new NetworkStartError((e as Error).message, { cause: e })
      }
      closers.push(async () => { await discovery.stop() })
      const clock = realClock()
      const state = new HostStateFile(config.dataDir)
      const cordoned = state.read().cordoned
      const agent = await createAgent(
        { name: hostInfo.id, migrateUri: hostInfo.migrationUri, cordoned, policy: config.policy },
        { hypervisor, discovery, logger: deps.logging.logger, clock })
      let current = loaded
      const host: Host = {
        version: daemonVersion(),
        startedAt: clock.now(),
        get loaded () { return current },
        set loaded (l) { current = l },
        config: () => current.config,
        logging: deps.logging,
        log,
        clock,
        hypervisor,
        hostInfo,
        discovery,
        agent,
        drain: undefined as unknown as DrainController,
        journal: new SubscriptionJournal(config.dataDir),
        subscriptions: new Map(),
        counters: newCounters(),
        ready: false,
        cordoned,
        setCordoned: c => {
          if (c) agent.cordon(); else agent.uncordon()
          host.cordoned = c
          state.write({ cordoned: c })
        },
      }
      ;(host as { drain: DrainController }).drain = new DrainController({
        hypervisor, discovery, agent, clock, log: deps.logging.logger.child({ component: 'drain' }),
        subscriptions: () => [...host.subscriptions.keys()],
        setCordoned: c => { host.setCordoned(c) },
      })
      agent.on(e => { countAgentEvents(host, e) })
      await restoreSubscriptions(host)
      await agent.start()
      closers.push(async () => { await agent.stop(AbortSignal.timeout(0)) })
      const control = new ControlServer({ path: config.socket, methods: controlMethods(host) }, deps.logging.logger.child({ component: 'control' }))
      await control.listen()
      closers.push(async () => { await control.close() })
      let http: MetricsHttp | null = null
      let address: { address: string, port: number } | null = null
      if (config.http !== null) {
        const dashboard = createDashboard({ band: dashboardBand(config.policy) }, { sources: hostLoadSources(host), clock, logger: deps.logging.logger.child({ component: 'dashboard' }) })
        const h = new MetricsHttp({ ...config.http, collect: async () => await collectMetrics(host), ready: () => host.ready, routes: dashboard }, deps.logging.logger.child({ component: 'metrics' }))
        try {
          address = await h.listen()
        } catch (e) {
          const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message
          throw new DaemonError('PARLEY_HTTP_FAILED', `cannot serve metrics on ${config.http.host}:${config.http.port} (${why})`, 'another process has the port? set http to another HOST:PORT, or off')
        }
        closers.push(async () => { await h.close() })
        dashboard.start()
        http = h
      }
      const daemon = new Parleyd(host, control, http, deps, address)
      await daemon.ready()
      return daemon
    } catch (e) {
      await cleanup()
      throw e
    }
  }

  private async ready (): Promise<void> {
    const { host } = this
    host.ready = true
    host.log.info({
      peerId: host.discovery.peerId, addresses: host.discovery.addresses(), migrationUri: host.hostInfo.migrationUri,
      subscriptions: [...host.subscriptions.keys()], cordoned: host.cordoned, runtime: host.agent.attached, metricsPort: this.metricsPort,
    }, 'ready')
    await this.deps.notifier.notify({ READY: '1', STATUS: this.statusLine() })
  }

  private statusLine (): string {
    const { host } = this
    return `peer ${host.discovery.peerId}; ${host.subscriptions.size} subscription(s); ${host.discovery.peers().length} peer(s)${host.cordoned ? '; cordoned' : ''}`
  }

  async reload (): Promise<ReloadOutcome> {
    const outcome = await applyReload(this.host, this.deps.reloadConfig)
    await this.deps.notifier.notify({ STATUS: outcome.ok ? this.statusLine() : `reload failed: ${outcome.error ?? ''}` })
    return outcome
  }

  /** Stops cleanly: no new requests, interactions get the shutdown timeout, then everything closes. */
  async stop (reason: string): Promise<void> {
    this.stopping ??= this.doStop(reason)
    await this.stopping
  }

  private async doStop (reason: string): Promise<void> {
    const { host } = this
    const timeoutMs = host.config().shutdownTimeoutMs
    host.ready = false
    host.log.info({ reason, timeoutMs, interactions: host.agent.status().interactions.length }, 'stopping')
    await this.deps.notifier.notify({ STOPPING: '1', STATUS: `stopping (${reason})` })
    host.drain.cancel('parleyd stopped; the host stays cordoned')
    await this.control.close()
    await host.agent.stop(AbortSignal.timeout(timeoutMs)).catch((err: unknown) => { host.log.error({ err }, 'the agent did not stop cleanly') })
    await this.http?.close()
    await host.discovery.stop().catch((err: unknown) => { host.log.error({ err }, 'the peer-to-peer node did not stop cleanly') })
    await host.hypervisor.close().catch((err: unknown) => { host.log.error({ err }, 'the hypervisor connection did not close cleanly') })
    host.log.info('stopped')
  }
}
