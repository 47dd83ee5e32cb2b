// The dashboard without a cluster: what one sample makes of the `parley.load` reports, the bounded
// history, the sampling loop on an injected clock, and the HTTP routes (JSON, SSE, errors).
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { Writable } from 'node:stream'
import type { Announcement, Json } from '@parley/discovery'
import type { Clock } from '@parley/hypervisor'
import { LOAD_ROLE } from '@parley/runtime'
import { pino } from 'pino'
import { createDashboard, LoadHistory, takeSample } from '../src/dashboard/index.js'
import type { Dashboard, LoadSnapshot, LoadSources, SelfLoad } from '../src/dashboard/index.js'
import { MetricsHttp } from '../src/metrics/http.js'

const IM = 'a'.repeat(64)
const SELF = '12D3KooWSelfSelfSelfSelfSelfSelfSelfSelfSelfSelf0001'
const P2 = '12D3KooWPeerPeerPeerPeerPeerPeerPeerPeerPeerPeer0002'
const P3 = '12D3KooWPeerPeerPeerPeerPeerPeerPeerPeerPeerPeer0003'
const P4 = '12D3KooWPeerPeerPeerPeerPeerPeerPeerPeerPeerPeer0004'
const quiet = pino({ level: 'silent' }, new Writable({ write (_c, _e, cb) { cb() } }))

function ann (peerId: string, role: string, args: Json, receivedAt: number, withdrawn = false): Announcement {
  return { peerId, imHash: IM, role, args, seq: receivedAt, sentAt: receivedAt, receivedAt, expiresAt: receivedAt + 30_000, withdrawn }
}

interface FakeCluster { sources: LoadSources, table: Announcement[], own: SelfLoad | null }

function fakeCluster (): FakeCluster {
  const c: FakeCluster = {
    table: [],
    own: { load: 0.6, cpus: 4, cordoned: false },
    sources: {
      peerId: SELF,
      name: 'h1',
      self: () => c.own,
      imHashes: () => [IM],
      announcements: (im, role) => c.table.filter(a => a.imHash === im && (role === undefined || a.role === role)),
    },
  }
  return c
}

/** A clock that moves only when told; sleepers wake when their time is reached. */
function manualClock (start = 1_000_000): Clock & { advance: (ms: number) => Promise<void> } {
  let now = start
  const sleepers: Array<{ at: number, resolve: () => void }> = []
  return {
    now: () => now,
    sleep: async (ms, signal) => await new Promise<void>((resolve, reject) => {
      const s = { at: now + ms, resolve }
      sleepers.push(s)
      signal?.addEventListener('abort', () => { sleepers.splice(sleepers.indexOf(s), 1); reject(signal.reason) }, { once: true })
    }),
    advance: async (ms) => {
      const end = now + ms
      for (;;) {
        const due = sleepers.filter(s => s.at <= end).sort((a, b) => a.at - b.at)[0]
        if (due === undefined) break
        now = Math.max(now, due.at)
        sleepers.splice(sleepers.indexOf(due), 1)
        due.resolve()
        // let the woken loop run up to its next sleep
        for (let i = 0; i < 5; i++) await new Promise(resolve => setImmediate(resolve))
      }
      now = end
    },
  }
}

test('a sample: own load and the freshest valid parley.load report per peer, as % of the mean', () => {
  const c = fakeCluster()
  c.table.push(
    ann(P2, LOAD_ROLE, { load: 0.1, cpus: 8, domains: 1, cordoned: false }, 10),
    ann(P2, LOAD_ROLE, { load: 0.2, cpus: 8, domains: 2, cordoned: false }, 20), // newer: wins
    ann(P2, 'underloaded', { host: 'h2\u0007', headroom: 3 }, 20), // a role announcement names the peer
    ann(P3, LOAD_ROLE, { load: 1.0, cpus: 4, domains: 5, cordoned: true }, 20), // cordoned: in the sum, not the divisor
    ann(P4, LOAD_ROLE, { load: 'high', cpus: 4 }, 20), // malformed: ignored
    ann(SELF, LOAD_ROLE, { load: 9, cpus: 4 }, 20), // our own, should it come back: ignored
  )
  const s = takeSample(c.sources, 5000)
  assert.equal(s.t, 5000)
  const by = new Map(s.hosts.map(h => [h.id, h]))
  assert.deepEqual([...by.keys()].sort(), [SELF, P2, P3].sort())
  // mean = (0.6 + 0.2 + 1.0) / 2 uncordoned hosts = 0.9
  assert.equal(s.mean, 0.9)
  assert.equal(by.get(SELF)!.pct, 66.67)
  assert.equal(by.get(SELF)!.name, 'h1')
  assert.equal(by.get(SELF)!.self, true)
  assert.equal(by.get(SELF)!.cpus, 4)
  assert.equal(by.get(P2)!.pct, 22.22)
  assert.equal(by.get(P2)!.load, 0.2)
  assert.equal(by.get(P2)!.cpus, 8)
  assert.equal(by.get(P2)!.name, 'h2', 'the announced name, control characters stripped')
  assert.equal(by.get(P3)!.cordoned, true)
  assert.equal(by.get(P3)!.pct, 111.11)
  assert.equal(by.get(P3)!.name, '…Peer0003', 'no name announced: a short peer id')

  c.table.push(ann(P2, LOAD_ROLE, null, 30, true)) // P2 withdrew its report
  c.table.splice(0, 2)
  assert.equal(takeSample(c.sources, 6000).hosts.some(h => h.id === P2), false)
})

test('a peer keeps the name it announced with a role after the role ends', () => {
  const c = fakeCluster()
  const names = new Map<string, string>()
  c.table.push(ann(P2, LOAD_ROLE, { load: 0.2, cpus: 8, domains: 2, cordoned: false }, 1), ann(P2, 'underloaded', { host: 'h2' }, 1))
  assert.equal(takeSample(c.sources, 1, names).hosts.find(h => h.id === P2)!.name, 'h2')
  c.table.pop()
  assert.equal(takeSample(c.sources, 2, names).hosts.find(h => h.id === P2)!.name, 'h2')
  assert.equal(takeSample(c.sources, 3).hosts.find(h => h.id === P2)!.name, '…Peer0002', 'without the memory: the short id')
})

test('an idle cluster is at 100 % of its mean; no own load yet: only the peers', () => {
  const c = fakeCluster()
  c.own = { load: 0, cpus: 4, cordoned: false }
  c.table.push(ann(P2, LOAD_ROLE, { load: 0, cpus: 2, domains: 0, cordoned: false }, 1))
  assert.deepEqual(takeSample(c.sources, 1).hosts.map(h => h.pct), [100, 100])
  c.own = null
  assert.deepEqual(takeSample(c.sources, 2).hosts.map(h => h.id), [P2])
})

test('no peer reports (push-sum clusters publish none): this host against the agent\'s own mean', () => {
  const c = fakeCluster()
  c.own = { load: 0.6, cpus: 4, cordoned: false, mean: 0.3 }
  const alone = takeSample(c.sources, 1)
  assert.equal(alone.mean, 0.3)
  assert.deepEqual(alone.hosts.map(h => h.pct), [200])
  // with reports, the mean is the one over the hosts drawn, so the lines agree with each other
  c.table.push(ann(P2, LOAD_ROLE, { load: 0.2, cpus: 8, domains: 2, cordoned: false }, 1))
  assert.deepEqual(takeSample(c.sources, 2).hosts.map(h => h.pct), [150, 50])
})

test('the history keeps one bounded window per host and forgets a host once its last point is out', () => {
  const h = new LoadHistory({ windowMs: 5000, intervalMs: 1000, maxHosts: 2 })
  const host = (id: string, pct: number) => ({ id, name: id, load: pct / 100, pct, cpus: 4, cordoned: false, self: id === 'a' })
  for (let t = 0; t <= 20_000; t += 1000) h.record({ t, mean: 1, hosts: t <= 8000 ? [host('a', t / 100), host('b', 50), host('c', 1)] : [host('a', t / 100)] })
  const snap = h.snapshot(20_000, [80, 120], 'a')
  assert.deepEqual(snap.hosts.map(x => x.id), ['a'], 'b stopped at 8 s: gone 5 s later; c never fitted (maxHosts 2)')
  const series = snap.hosts[0]!.series
  assert.deepEqual(series.map(p => p[0]), [15_000, 16_000, 17_000, 18_000, 19_000, 20_000])
  assert.deepEqual(series.at(-1), [20_000, 200])
  const mid = new LoadHistory({ windowMs: 5000, intervalMs: 1000, maxHosts: 2 })
  mid.record({ t: 0, mean: 1, hosts: [host('a', 1), host('b', 2), host('c', 3)] })
  assert.equal(mid.snapshot(0, [80, 120], 'a').hostsDropped, 1)
})

// ---- HTTP ------------------------------------------------------------------------------------

interface Reply { status: number, headers: Record<string, string | string[] | undefined>, body: string }

async function call (port: number, method: string, path: string): Promise<Reply> {
  return await new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path }, res => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => { body += d })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, body }) })
    })
    req.on('error', reject)
    req.end()
  })
}

interface EventStream {
  events: Array<{ event: string, data: any }>
  /** The response status, once the headers came. */
  status: Promise<number>
  waitFor: (pred: (events: Array<{ event: string, data: any }>) => boolean) => Promise<void>
  /** Resolves when the server ends the stream. */
  ended: Promise<void>
  close: () => void
}

/** Opens /api/events and parses its frames as they come. */
function openEvents (port: number): EventStream {
  const events: Array<{ event: string, data: any }> = []
  const waiters = new Set<() => void>()
  let setStatus!: (s: number) => void
  let setEnded!: () => void
  const status = new Promise<number>(resolve => { setStatus = resolve })
  const ended = new Promise<void>(resolve => { setEnded = resolve })
  const req = request({ host: '127.0.0.1', port, path: '/api/events' }, res => {
    setStatus(res.statusCode ?? 0)
    let buf = ''
    res.setEncoding('utf8')
    res.on('data', (d: string) => {
      buf += d
      let end
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const frame = buf.slice(0, end)
        buf = buf.slice(end + 2)
        const event = /^event: (.*)$/m.exec(frame)?.[1]
        const data = /^data: (.*)$/m.exec(frame)?.[1]
        if (event !== undefined && data !== undefined) events.push({ event, data: JSON.parse(data) })
      }
      for (const w of waiters) w()
    })
    res.on('end', () => { setEnded() })
    res.on('close', () => { setEnded() })
  })
  req.on('error', () => { setStatus(0); setEnded() })
  req.end()
  return {
    events,
    status,
    ended,
    close: () => { req.destroy() },
    waitFor: async pred => await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { waiters.delete(check); reject(new Error(`events so far: ${JSON.stringify(events.map(e => e.event))}`)) }, 10_000)
      const check = (): void => { if (pred(events)) { clearTimeout(timer); waiters.delete(check); resolve() } }
      waiters.add(check)
      check()
    }),
  }
}

async function serve (dashboard: Dashboard): Promise<{ port: number, http: MetricsHttp }> {
  const http = new MetricsHttp({ host: '127.0.0.1', port: 0, collect: async () => [], ready: () => true, routes: dashboard }, quiet)
  const { port } = await http.listen()
  return { port, http }
}

const servers: MetricsHttp[] = []
after(async () => { for (const s of servers) await s.close() })

test('GET /api/load: the snapshot; the sampler takes one point per interval of the injected clock', async () => {
  const c = fakeCluster()
  c.table.push(ann(P2, LOAD_ROLE, { load: 0.2, cpus: 8, domains: 2, cordoned: false }, 1))
  const clock = manualClock()
  const dashboard = createDashboard({ band: [80, 120], intervalMs: 1000, windowMs: 60_000 }, { sources: c.sources, clock, logger: quiet })
  const { port, http } = await serve(dashboard)
  servers.push(http)
  dashboard.start()
  await new Promise(resolve => setImmediate(resolve))
  await clock.advance(3000)
  c.own = { load: 0.2, cpus: 4, cordoned: true }
  await clock.advance(1000)

  const r = await call(port, 'GET', '/api/load')
  assert.equal(r.status, 200)
  assert.match(String(r.headers['content-type']), /^application\/json/)
  const snap = JSON.parse(r.body) as LoadSnapshot
  assert.equal(snap.now, clock.now())
  assert.deepEqual(snap.band, [80, 120])
  assert.equal(snap.self, SELF)
  assert.deepEqual(snap.hosts.map(h => [h.id, h.name, h.self]), [[SELF, 'h1', true], [P2, '…Peer0002', false]])
  const own = snap.hosts[0]!
  assert.equal(own.series.length, 5, 'one point at start, then one per second for 4 s')
  assert.deepEqual(own.series.map(p => p[0]), [0, 1000, 2000, 3000, 4000].map(d => 1_000_000 + d))
  assert.deepEqual(own.series.slice(0, 4).map(p => p[1]), [150, 150, 150, 150]) // 0.6 of a 0.4 mean
  assert.equal(own.series[4]![1], 50, 'cordoned at 0.2: the mean is 0.4 / 1 host')
  assert.equal(own.cordoned, true)
  assert.equal(snap.hosts[1]!.cpus, 8)

  const head = await call(port, 'HEAD', '/api/load')
  assert.equal(head.status, 200)
  assert.equal(head.body, '')
  await dashboard.close()
})

test('GET /: one self-contained page; no external asset, a strict CSP', async () => {
  const dashboard = createDashboard({ band: [80, 120] }, { sources: fakeCluster().sources, clock: manualClock(), logger: quiet })
  const { port, http } = await serve(dashboard)
  servers.push(http)
  for (const path of ['/', '/index.html']) {
    const r = await call(port, 'GET', path)
    assert.equal(r.status, 200)
    assert.equal(r.headers['content-type'], 'text/html; charset=utf-8')
    assert.match(String(r.headers['content-security-policy']), /default-src 'none'/)
    assert.match(r.body, /<svg id="chart"/)
    assert.match(r.body, /new EventSource\("api\/events"\)/)
    // the only URL in the page is the SVG namespace: no CDN, no font, no script from elsewhere
    assert.deepEqual([...r.body.matchAll(/https?:\/\/[^\s"')]+/g)].map(m => m[0]), ['http://www.w3.org/2000/svg'])
    assert.doesNotMatch(r.body, /<script[^>]+src=|<link /)
  }
})

test('bad requests: 404 and 405 with a JSON error body; /metrics and /healthz still answer', async () => {
  const dashboard = createDashboard({ band: [80, 120] }, { sources: fakeCluster().sources, clock: manualClock(), logger: quiet })
  const { port, http } = await serve(dashboard)
  servers.push(http)
  const notFound = await call(port, 'GET', '/api/nope?x=1')
  assert.equal(notFound.status, 404)
  assert.match(String(notFound.headers['content-type']), /^application\/json/)
  const nf = JSON.parse(notFound.body) as { error: { code: string, message: string, hint: string } }
  assert.equal(nf.error.code, 'PARLEY_HTTP_NOT_FOUND')
  assert.equal(nf.error.message, 'no such path: /api/nope')
  assert.match(nf.error.hint, /\/api\/load/)
  for (const [method, path, allow] of [['POST', '/', 'GET, HEAD'], ['DELETE', '/api/load', 'GET, HEAD'], ['PUT', '/api/events', 'GET'], ['HEAD', '/api/events', 'GET'], ['POST', '/metrics', 'GET, HEAD']] as const) {
    const r = await call(port, method, path)
    assert.equal(r.status, 405, `${method} ${path}`)
    assert.equal(r.headers.allow, allow)
    if (method !== 'HEAD') {
      const body = JSON.parse(r.body) as { error: { code: string, message: string } }
      assert.equal(body.error.code, 'PARLEY_HTTP_METHOD')
      assert.equal(body.error.message, `${method} is not allowed on ${path}`)
    }
  }
  assert.equal((await call(port, 'GET', '/healthz')).body, 'ok\n')
  assert.equal((await call(port, 'GET', '/metrics')).status, 200)
})

test('GET /api/events: a snapshot, then each sample as a point; too many viewers get a 503; close ends the streams', async () => {
  const c = fakeCluster()
  const clock = manualClock()
  const dashboard = createDashboard({ band: [80, 120], maxClients: 1 }, { sources: c.sources, clock, logger: quiet })
  const { port, http } = await serve(dashboard)
  servers.push(http)
  dashboard.sample()
  const first = openEvents(port)
  assert.equal(await first.status, 200)
  await first.waitFor(evs => evs.length >= 1)
  const busy = await call(port, 'GET', '/api/events')
  assert.equal(busy.status, 503)
  assert.equal((JSON.parse(busy.body) as { error: { code: string } }).error.code, 'PARLEY_DASHBOARD_BUSY')
  await clock.advance(1000)
  dashboard.sample()
  c.table.push(ann(P2, LOAD_ROLE, { load: 1.8, cpus: 8, domains: 9, cordoned: false }, 2))
  await clock.advance(1000)
  dashboard.sample()
  await first.waitFor(evs => evs.length >= 3)
  const { events } = first
  assert.deepEqual(events.map(e => e.event), ['snapshot', 'point', 'point'])
  assert.equal(events[0]!.data.hosts[0].series.length, 1)
  assert.deepEqual(events[1]!.data.hosts.map((h: { id: string, pct: number }) => [h.id, h.pct]), [[SELF, 100]])
  assert.deepEqual(events[2]!.data.hosts.map((h: { id: string, pct: number }) => [h.id, h.pct]), [[SELF, 50], [P2, 150]])
  first.close()
  // samples go on while the gone viewer's socket closes: nothing is written to it, nothing throws
  for (let i = 0; i < 5; i++) { dashboard.sample(); await new Promise(resolve => setTimeout(resolve, 5)) }

  // the slot frees once the first viewer has gone; closing the server ends the new viewer's stream
  let second: EventStream | undefined
  for (let i = 0; i < 100 && second === undefined; i++) {
    const s = openEvents(port)
    if (await s.status === 200) second = s
    else await new Promise(resolve => setTimeout(resolve, 20))
  }
  assert.ok(second !== undefined, 'the first viewer\'s slot was freed')
  await second.waitFor(evs => evs.length >= 1)
  await http.close()
  await second.ended
  assert.equal(second.events[0]!.event, 'snapshot')
})

test('a failing source does not stop the sampler or the endpoint', async () => {
  const c = fakeCluster()
  let broken = true
  const sources: LoadSources = { ...c.sources, announcements: (im, role) => { if (broken) throw new Error('table gone'); return c.sources.announcements(im, role) } }
  const clock = manualClock()
  const dashboard = createDashboard({ band: [80, 120] }, { sources, clock, logger: quiet })
  const { port, http } = await serve(dashboard)
  servers.push(http)
  dashboard.start()
  await clock.advance(2000)
  assert.deepEqual((JSON.parse((await call(port, 'GET', '/api/load')).body) as LoadSnapshot).hosts, [])
  broken = false
  await clock.advance(1000)
  const snap = JSON.parse((await call(port, 'GET', '/api/load')).body) as LoadSnapshot
  assert.equal(snap.hosts[0]!.series.length, 1, 'sampling went on once the source recovered')
  await dashboard.close()
})
