// The operator HTTP endpoint: GET /metrics (Prometheus), /healthz (the process answers), /readyz
// (the host is up: hypervisor connected, peer-to-peer node listening), and whatever `routes` adds
// (the load dashboard). Errors are JSON bodies with a stable code; a failing handler answers 500
// and never takes the daemon down.
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Logger } from 'pino'
import { CONTENT_TYPE, expose } from './exposition.js'
import type { MetricFamily } from './exposition.js'

/** More handlers on the same port; `handle` answers the paths it knows and returns whether it did. */
export interface HttpRoutes {
  readonly paths: readonly string[]
  handle: (req: IncomingMessage, res: ServerResponse, path: string) => boolean
  /** Called when the server closes (ends long-lived responses, stops timers). */
  close: () => Promise<void>
}

export interface MetricsHttpInit {
  host: string
  port: number
  collect: () => Promise<MetricFamily[]>
  ready: () => boolean
  routes?: HttpRoutes
}

export interface HttpErrorBody { error: { code: string, message: string, hint: string } }

/** Writes a JSON error, unless the response has begun (then it only ends it). */
export function sendError (res: ServerResponse, status: number, code: string, message: string, hint: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) { res.end(); return }
  const body: HttpErrorBody = { error: { code, message, hint } }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers }).end(JSON.stringify(body) + '\n')
}

/** 405 with the Allow header, for a known path asked with another method. */
export function sendMethodNotAllowed (res: ServerResponse, method: string, path: string, allow: string): void {
  sendError(res, 405, 'PARLEY_HTTP_METHOD', `${method} is not allowed on ${path}`, `use ${allow.split(', ').join(' or ')}`, { allow })
}

const OWN_PATHS = ['/metrics', '/healthz', '/readyz']

export class MetricsHttp {
  private server: Server | undefined

  constructor (private readonly init: MetricsHttpInit, private readonly log: Logger) {}

  private handle (req: IncomingMessage, res: ServerResponse): void {
    const method = req.method ?? 'GET'
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    if (this.init.routes?.handle(req, res, path) === true) return
    if (!OWN_PATHS.includes(path)) {
      const known = [...(this.init.routes?.paths ?? []), ...OWN_PATHS].join(', ')
      sendError(res, 404, 'PARLEY_HTTP_NOT_FOUND', `no such path: ${path.slice(0, 200)}`, `try ${known}`)
      return
    }
    if (method !== 'GET' && method !== 'HEAD') { sendMethodNotAllowed(res, method, path, 'GET, HEAD'); return }
    if (path === '/metrics') {
      this.init.collect().then(families => {
        res.writeHead(200, { 'content-type': CONTENT_TYPE }).end(expose(families))
      }, (err: unknown) => {
        this.log.error({ err }, 'metrics collection failed')
        sendError(res, 500, 'PARLEY_METRICS_FAILED', 'metrics collection failed', 'see the parleyd log')
      })
    } else if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n')
    } else {
      const ready = this.init.ready()
      res.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' }).end(ready ? 'ready\n' : 'starting\n')
    }
  }

  async listen (): Promise<AddressInfo> {
    const server = createServer((req, res) => {
      try {
        this.handle(req, res)
      } catch (err) {
        this.log.error({ err, url: req.url?.slice(0, 200) }, 'HTTP handler failed')
        sendError(res, 500, 'PARLEY_HTTP_INTERNAL', 'the request failed inside parleyd', 'see the parleyd log; report it if it repeats')
      }
    })
    // A malformed request line or headers: answer 400 and drop the socket, nothing else.
    server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n')
      else socket.destroy()
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.init.port, this.init.host, () => { server.off('error', reject); resolve() })
    })
    this.server = server
    const addr = server.address() as AddressInfo
    this.log.info({ address: addr.address, port: addr.port, dashboard: this.init.routes !== undefined }, 'metrics endpoint listening')
    return addr
  }

  async close (): Promise<void> {
    const server = this.server
    this.server = undefined
    await this.init.routes?.close().catch((err: unknown) => { this.log.warn({ err }, 'closing the HTTP routes failed') })
    if (server === undefined) return
    server.closeAllConnections()
    await new Promise<void>(resolve => { server.close(() => { resolve() }) })
  }
}
