// The load dashboard of one parleyd: a sampler that reads the cluster's load once a second into a
// bounded history, and the routes that serve the page, the JSON snapshot and the live feed.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Clock } from '@parley/hypervisor'
import type { Logger } from 'pino'
import { sendError, sendMethodNotAllowed } from '../metrics/http.js'
import type { HttpRoutes } from '../metrics/http.js'
import { EventFeed } from './events.js'
import { LoadHistory } from './history.js'
import { DASHBOARD_HTML } from './page.js'
import { takeSample } from './sample.js'
import type { LoadSample, LoadSnapshot, LoadSources } from './types.js'

export interface DashboardInit {
  /** The balanced band in % of the mean, e.g. [80, 120]. */
  band: [number, number]
  /** How often the history takes a sample (default 1 s). */
  intervalMs?: number
  /** How much history is kept and drawn (default 10 minutes). */
  windowMs?: number
  /** Lines kept at most (default 256). */
  maxHosts?: number
  /** Event-stream viewers at once (default 32). */
  maxClients?: number
}

export interface DashboardComponents {
  sources: LoadSources
  clock: Clock
  logger: Logger
}

export interface Dashboard extends HttpRoutes {
  /** Starts sampling (one sample at once, then one per interval). */
  start: () => void
  /** Takes one sample now, records it and pushes it to the viewers. */
  sample: () => LoadSample
  snapshot: () => LoadSnapshot
}

const PAGE_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'"

export function createDashboard (init: DashboardInit, components: DashboardComponents): Dashboard {
  const intervalMs = init.intervalMs ?? 1000
  const windowMs = init.windowMs ?? 10 * 60_000
  const { sources, clock } = components
  const log = components.logger
  const maxHosts = init.maxHosts ?? 256
  const history = new LoadHistory({ intervalMs, windowMs, maxHosts })
  const feed = new EventFeed(init.maxClients ?? 32, log)
  const stopper = new AbortController()
  let loop: Promise<void> | null = null
  let failures = 0

  const snapshot = (): LoadSnapshot => history.snapshot(clock.now(), init.band, sources.peerId)

  // Names peers announced; a name may come before the host's first load report, so the map is
  // pruned to the hosts in the history only when it grows past twice their bound.
  const names = new Map<string, string>()

  const sample = (): LoadSample => {
    const s = takeSample(sources, clock.now(), names)
    history.record(s)
    if (names.size > 2 * maxHosts) for (const id of names.keys()) if (!history.has(id)) names.delete(id)
    feed.broadcast('point', s)
    return s
  }

  const tick = (): void => {
    try {
      sample()
      failures = 0
    } catch (err) {
      // A sample reads in-memory tables only; if that throws, log it (once per streak) and go on.
      if (failures++ === 0) log.warn({ err }, 'dashboard sample failed; retrying every interval')
    }
  }

  const run = async (): Promise<void> => {
    let next = clock.now()
    while (!stopper.signal.aborted) {
      tick()
      next += intervalMs
      // Catch up without a burst if the process stalled for several intervals.
      if (next < clock.now()) next = clock.now() + intervalMs
      await clock.sleep(next - clock.now(), stopper.signal).catch(() => {})
    }
  }

  const json = (res: ServerResponse, body: unknown): void => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(body))
  }

  const routes: Record<string, { allow: string, serve: (req: IncomingMessage, res: ServerResponse) => void }> = {
    '/': {
      allow: 'GET, HEAD',
      serve: (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': PAGE_CSP, 'x-content-type-options': 'nosniff' }).end(DASHBOARD_HTML)
      },
    },
    '/api/load': { allow: 'GET, HEAD', serve: (_req, res) => { json(res, snapshot()) } },
    '/api/events': {
      allow: 'GET',
      serve: (_req, res) => {
        if (stopper.signal.aborted) { sendError(res, 503, 'PARLEY_DASHBOARD_STOPPED', 'parleyd is stopping', 'reload the page once parleyd is back'); return }
        if (feed.full) { sendError(res, 503, 'PARLEY_DASHBOARD_BUSY', 'too many dashboard viewers on this host', 'close another dashboard tab, or poll /api/load', { 'retry-after': '10' }); return }
        feed.open(res, { event: 'snapshot', data: snapshot() })
      },
    },
  }
  routes['/index.html'] = routes['/']!

  return {
    paths: ['/', '/api/load', '/api/events'],
    handle: (req, res, path) => {
      const route = routes[path]
      if (route === undefined) return false
      const method = req.method ?? 'GET'
      if (!route.allow.split(', ').includes(method)) sendMethodNotAllowed(res, method, path, route.allow)
      else route.serve(req, res)
      return true
    },
    start: () => { loop ??= run() },
    sample,
    snapshot,
    close: async () => {
      stopper.abort()
      feed.closeAll()
      await loop
    },
  }
}
