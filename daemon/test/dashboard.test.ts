// The dashboard in a real browser against a real cluster: three parleyd in this process (memory
// hypervisors on one fabric, libp2p on 127.0.0.1), all subscribed to ims/balance.lcc, one VM each
// (every host at 100 % of the mean). h1 serves the dashboard on 127.0.0.1:0; headless Chromium
// (Debian's, through playwright-core) opens it. The test moves h1's VM to h2 through the hypervisor:
// the page must show h1 fall and h2 rise, then the balance IM's own migration bring them back.
// PARLEY_DASHBOARD_SCREENSHOT=FILE saves the page at the end (docs/figures/dashboard.png).
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { createMemoryFabric } from '@parley/hypervisor'
import { chromium } from 'playwright-core'
import type { Browser, Page } from 'playwright-core'
import { loadConfig } from '../src/config/index.js'
import { callDaemon } from '../src/control/index.js'
import type { SubscribeResult } from '../src/control/index.js'
import { createLogging } from '../src/daemon/logging.js'
import { createNotifier } from '../src/daemon/sd-notify.js'
import { Parleyd } from '../src/daemon/service.js'
import { ROOT, writePsk } from './daemon-harness.js'

const CHROMIUM = '/usr/bin/chromium'
const dir = mkdtempSync(join(tmpdir(), 'parley-dashboard-'))
const psk = writePsk(dir)
const balance = readFileSync(join(ROOT, 'ims', 'balance.lcc'), 'utf8')
const fabric = createMemoryFabric()
const daemons: Parleyd[] = []
let browser: Browser | undefined
after(async () => {
  await browser?.close().catch(() => {})
  await Promise.all(daemons.map(async d => { await d.stop('test over').catch(() => {}) }))
})

// Quick enough to watch, with a sustain long enough that the page sees h1 empty before the IM acts.
const POLICY = ['--sample-interval', '250ms', '--sustain', '3s', '--lease-ttl', '3s', '--cooldown', '60s']

async function host (name: string, extra: string[], bootstrap: string[]): Promise<{ daemon: Parleyd, socket: string }> {
  const socket = join(dir, `${name}.sock`)
  const argv = [
    '--hypervisor', `memory://${name}?cpus=4&memory=8192&demand=0.5&vms=vm-${name}:2:512`,
    '--listen', '/ip4/127.0.0.1/tcp/0', '--psk', psk, '--socket', socket, '--data-dir', join(dir, name),
    '--allow-im', 'balance', '--shutdown-timeout', '2s', ...POLICY, ...extra, ...bootstrap.flatMap(b => ['--bootstrap', b]),
  ]
  const loaded = loadConfig({ argv, env: {}, defaultFile: join(dir, 'none.yaml') })
  const logging = createLogging('warn', new Writable({ write (_c, _e, cb) { cb() } }))
  const daemon = await Parleyd.start(loaded, { logging, notifier: createNotifier({ env: {} }, logging.logger), reloadConfig: () => loaded, fabric })
  daemons.push(daemon)
  return { daemon, socket }
}

interface Plotted { id: string, points: Array<[number, number]>, last: number }

/** What the page draws now: each host line's points (SVG pixels) and the value it ends on. */
async function plotted (page: Page): Promise<Plotted[]> {
  return await page.$$eval('#chart polyline', lines => lines.map(l => ({
    id: l.getAttribute('data-host') ?? '',
    points: (l.getAttribute('points') ?? '').split(' ').filter((p: string) => p !== '').map((p: string) => p.split(',').map(Number) as [number, number]),
    last: Number(l.getAttribute('data-last')),
  })))
}

async function legend (page: Page): Promise<Array<{ id: string, text: string }>> {
  return await page.$$eval('#legend li', items => items.map(li => ({ id: li.getAttribute('data-host') ?? '', text: li.textContent ?? '' })))
}

async function until<T> (what: string, probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let v = await probe()
  while (!ok(v)) {
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeoutMs / 1000} s; last seen ${JSON.stringify(v).slice(0, 600)}`)
    await new Promise(resolve => setTimeout(resolve, 250))
    v = await probe()
  }
  return v
}

const byId = (rows: Plotted[], id: string): Plotted => {
  const r = rows.find(x => x.id === id)
  assert.ok(r !== undefined, `no line for ${id}`)
  return r
}

test('the dashboard draws one live line per host, and a migration moves them', { timeout: 240_000 }, async t => {
  if (!existsSync(CHROMIUM)) { t.skip('chromium not installed: apt-get install chromium'); return }
  const h1 = await host('h1', ['--http', '127.0.0.1:0'], [])
  const boot = h1.daemon.host.discovery.addresses()
  // h2 and h3 leave http unset: parleyd serves no HTTP at all by default
  const h2 = await host('h2', [], boot)
  const h3 = await host('h3', [], boot)
  assert.equal(h2.daemon.metricsPort, null)
  const port = h1.daemon.metricsPort
  assert.ok(port !== null && port > 0)
  await until('the hosts connect', async () => h1.daemon.host.discovery.peers().length, n => n >= 2, 30_000)
  for (const h of [h1, h2, h3]) {
    const sub = await callDaemon<SubscribeResult>(h.socket, 'subscribe', { text: balance, name: 'balance' })
    assert.equal(sub.already, false)
  }
  const ids = [h1, h2, h3].map(h => h.daemon.host.discovery.peerId)
  const [id1, id2, id3] = ids as [string, string, string]

  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] })
  const page = await browser.newPage({ viewport: { width: 1280, height: 600 } })
  const pageErrors: string[] = []
  page.on('pageerror', e => { pageErrors.push(e.message) })
  page.on('console', m => { if (m.type() === 'error') pageErrors.push(m.text()) })
  const res = await page.goto(`http://127.0.0.1:${port}/`)
  assert.equal(res?.status(), 200)

  // Every host of the cluster in the legend (this host by name), one polyline each.
  const items = await until('the legend lists the three hosts', async () => await legend(page), l => l.length === 3, 60_000)
  assert.deepEqual(items.map(i => i.id).sort(), [...ids].sort())
  assert.match(items.find(i => i.id === id1)!.text, /^h1 \(this host\)/)
  for (const [id, name] of [[id2, 'h2'], [id3, 'h3']] as const) {
    const text = items.find(i => i.id === id)!.text
    assert.ok(text.startsWith(name) || text.startsWith(`…${id.slice(-8)}`), `legend entry of ${name}: ${text}`)
  }
  const lines = await plotted(page)
  assert.equal(lines.length, 3)
  assert.deepEqual(lines.map(l => l.id).sort(), [...ids].sort())
  assert.equal(await page.locator('#chart rect.band').count(), 1, 'the balanced band is shaded')

  // Balanced to start with: every host at the mean, in the band.
  const before = await until('all three at 100 % of the mean', async () => await plotted(page), rows => rows.length === 3 && rows.every(r => Math.abs(r.last - 100) < 15), 60_000)

  // Live: the lines grow by about a point a second.
  const counts = before.map(r => r.points.length)
  const later = await until('more points', async () => await plotted(page), rows => ids.every(id => byId(rows, id).points.length >= counts[before.findIndex(r => r.id === id)]! + 3), 30_000)
  assert.ok(later.every(r => r.points.length > 3))

  // A migration: h1's VM to h2. h1 drops to 0 %, h2 rises to 200 % of the mean.
  let policyMoves = 0
  for (const h of [h1, h2, h3]) h.daemon.host.agent.on(e => { if (e.type === 'migration') policyMoves++ })
  const y1Before = byId(before, id1).points.at(-1)![1]
  await h1.daemon.host.hypervisor.migrate('vm-h1', h2.daemon.host.hostInfo.migrationUri)
  const skewed = await until('the page shows h1 empty and h2 at twice the mean', async () => await plotted(page),
    rows => byId(rows, id1).last < 30 && byId(rows, id2).last > 170, 30_000)
  const y1After = byId(skewed, id1).points.at(-1)![1]
  assert.ok(y1After > y1Before + 50, `h1's line went down on the chart (y ${y1Before} -> ${y1After})`)
  assert.match(await page.locator(`#legend li[data-host="${id2}"] .pct`).getAttribute('class') ?? '', /\bout\b/, 'h2 is flagged out of band')

  // The balance IM moves a VM from h2 to h1 by itself; the page follows it back into the band.
  await until('the balance IM rebalances and the page shows every host in band', async () => await plotted(page),
    rows => policyMoves >= 1 && rows.length === 3 && rows.every(r => r.last >= 80 && r.last <= 120), 120_000)
  assert.deepEqual(pageErrors, [])

  const shot = process.env.PARLEY_DASHBOARD_SCREENSHOT
  if (shot !== undefined && shot !== '') {
    await new Promise(resolve => setTimeout(resolve, 3000))
    await page.screenshot({ path: shot })
  }
})
