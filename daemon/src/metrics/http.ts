// The operator HTTP endpoint: GET /metrics (Prometheus), /healthz (the process answers) and
// /readyz (the host is up: hypervisor connected, peer-to-peer node listening).
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Logger } from 'pino'
import { CONTENT_TYPE, expose } from './exposition.js'
import type { MetricFamily } from './exposition.js'

export interface MetricsHttpInit {
  host: string
  port: number
  collect: () => Promise<MetricFamily[]>
  ready: () => boolean
}

export class MetricsHttp {
  private server: Server | undefined

  constructor (private readonly init: MetricsHttpInit, private readonly log: Logger) {}

  async listen (): Promise<AddressInfo> {
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0]
      if (req.method !== 'GET' && req.method !== 'HEAD') { res.writeHead(405, { allow: 'GET, HEAD' }).end(); return }
      if (path === '/metrics') {
        this.init.collect().then(families => {
          res.writeHead(200, { 'content-type': CONTENT_TYPE }).end(expose(families))
        }, (err: unknown) => {
          this.log.error({ err }, 'metrics collection failed')
          res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics collection failed\n')
        })
      } else if (path === '/healthz') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n')
      } else if (path === '/readyz') {
        const ready = this.init.ready()
        res.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' }).end(ready ? 'ready\n' : 'starting\n')
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics, /healthz or /readyz\n')
      }
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.init.port, this.init.host, () => { server.off('error', reject); resolve() })
    })
    this.server = server
    const addr = server.address() as AddressInfo
    this.log.info({ address: addr.address, port: addr.port }, 'metrics endpoint listening')
    return addr
  }

  async close (): Promise<void> {
    const server = this.server
    this.server = undefined
    if (server === undefined) return
    server.closeAllConnections()
    await new Promise<void>(resolve => { server.close(() => { resolve() }) })
  }
}
