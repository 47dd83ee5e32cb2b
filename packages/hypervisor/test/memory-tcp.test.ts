// The memory+tcp migration protocol at its edges: what a destination does with garbage, silence and
// sources that vanish, and what a source does when the commit's acknowledgement is lost.
import assert from 'node:assert/strict'
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { after, test } from 'node:test'
import { pino } from 'pino'
import { createMemoryHypervisor, isHypervisorError, listenTcpMemoryFabric, realClock, type MemoryHypervisor, type TcpMemoryFabric } from '../src/index.js'
import { encodeFrame, FrameReader } from '../src/memory/wire.js'

const logs: Array<Record<string, unknown>> = []
const logger = pino({ level: 'info' }, { write: (line: string) => { logs.push(JSON.parse(line) as Record<string, unknown>) } })
const components = { logger, clock: realClock() }
const closers: Array<() => Promise<void>> = []
after(async () => { for (const c of closers.reverse()) await c() })

const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

async function host (id: string, opts: { idleTimeoutMs?: number, resolveTimeoutMs?: number, replyTimeoutMs?: number } = {}): Promise<{ hv: MemoryHypervisor, fabric: TcpMemoryFabric }> {
  const fabric = await listenTcpMemoryFabric({ host: '127.0.0.1', resolveRetryMs: 50, ...opts }, components)
  const hv = createMemoryHypervisor({ id, fabric, migrationUri: fabric.uriFor(id), ownsFabric: true, cpus: 4, memoryMiB: 8192 }, components)
  closers.push(async () => { await hv.close() })
  return { hv, fabric }
}

async function running (hv: MemoryHypervisor, name: string, memoryMiB = 64): Promise<string> {
  await hv.define({ name, vcpus: 1, memoryMiB })
  await hv.start(name)
  return (await hv.get(name)).uuid
}

/** A raw client: writes bytes or messages, reads the frames that come back. */
function raw (port: number): { socket: Socket, send: (m: unknown) => void, next: () => Promise<Record<string, unknown>>, closed: Promise<void> } {
  const socket = connect({ host: '127.0.0.1', port })
  const reader = new FrameReader()
  const frames: Array<Record<string, unknown>> = []
  const waiting: Array<(f: Record<string, unknown>) => void> = []
  socket.on('data', (chunk: Buffer) => {
    for (const f of reader.push(chunk)) {
      const w = waiting.shift()
      if (w !== undefined) w(f as Record<string, unknown>); else frames.push(f as Record<string, unknown>)
    }
  })
  socket.on('error', () => {})
  const closed = new Promise<void>(resolve => { socket.once('close', () => { resolve() }) })
  return {
    socket,
    send: m => { socket.write(Buffer.isBuffer(m) ? m : encodeFrame(m)) },
    next: async () => await new Promise(resolve => { const f = frames.shift(); if (f !== undefined) resolve(f); else waiting.push(resolve) }),
    closed
  }
}

const domain = (name: string): Record<string, unknown> => ({ name, uuid: '12345678-1234-4123-8123-123456789abc', vcpus: 1, maxKiB: 65536, currentKiB: 65536, rssKiB: null, cpuTimeNs: 0, cpuDemand: 0 })

async function waitFor (what: string, probe: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms
  while (!(await probe())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

test('garbage, oversize and ill-formed frames get an error reply, a log line and a closed connection; the port keeps working', async () => {
  const { hv: b, fabric } = await host('b')
  const cases: Array<{ bytes: Buffer | Record<string, unknown>, match: RegExp }> = [
    { bytes: Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), match: /exceeds the 65536-byte limit/ },
    { bytes: Buffer.concat([Buffer.from([0, 0, 0, 5]), Buffer.from('{nope')]), match: /not JSON/ },
    { bytes: { v: 1, type: 'prepare', target: 'b', domain: { ...domain('x'), vcpus: -1 } }, match: /"vcpus" must be an integer >= 1/ },
    { bytes: { v: 2, type: 'prepare' }, match: /protocol version 2/ },
    { bytes: { v: 1, type: 'teleport' }, match: /unknown request type/ },
    { bytes: { v: 1, type: 'check', name: 'x', fraction: 0.5 }, match: /no incoming migration of "x"/ },
    { bytes: { v: 1, type: 'prepare', target: 'nobody', domain: domain('x') }, match: /no memory host "nobody"/ }
  ]
  for (const c of cases) {
    const before = logs.length
    const client = raw(fabric.address.port)
    client.send(c.bytes)
    const reply = await client.next()
    assert.equal(reply.type, 'error')
    assert.equal(reply.code, 'HV_MIGRATION_PROTOCOL')
    assert.match(String(reply.message), c.match)
    await client.closed
    assert.ok(logs.slice(before).some(l => l.level === 40 && /invalid migration|refused/.test(String(l.msg))), `a warning was logged for ${String(reply.message)}`)
  }
  assert.deepEqual(await b.list(), [], 'nothing was created')
  // still serving: a real migration goes through
  const { hv: a } = await host('a')
  await running(a, 'after-garbage')
  await a.migrate('after-garbage', b.migrationUri, { bandwidthMiBs: 1024 })
  assert.equal((await b.get('after-garbage')).state, 'running')
})

test('a source that vanishes after prepare, or goes silent, leaves no incoming copy behind', async () => {
  const { hv: b, fabric } = await host('b2', { idleTimeoutMs: 300 })
  const gone = raw(fabric.address.port)
  gone.send({ v: 1, type: 'prepare', target: 'b2', domain: domain('vanish') })
  assert.equal((await gone.next()).type, 'ok')
  assert.equal((await b.get('vanish')).migrating, 'in')
  gone.socket.destroy()
  await waitFor('the copy of a closed connection to go', async () => (await b.list()).length === 0)

  const silent = raw(fabric.address.port)
  silent.send({ v: 1, type: 'prepare', target: 'b2', domain: domain('silent') })
  assert.equal((await silent.next()).type, 'ok')
  await silent.closed // the idle timeout closes it
  await waitFor('the copy of an idle connection to go', async () => (await b.list()).length === 0)
  assert.ok(logs.some(l => l.msg === 'migration connection idle too long: closing it'))
})

test('a destination that goes away mid-migration fails it; the domain keeps running on the source', async () => {
  const { hv: a } = await host('a3')
  const { hv: b, fabric: fb } = await host('b3')
  await running(a, 'vm', 256)
  let closing: Promise<void> | undefined
  const err = await a.migrate('vm', b.migrationUri, {
    bandwidthMiBs: 64, progressIntervalMs: 50,
    onProgress: () => { closing ??= fb.close() }
  }).then(() => undefined, (e: unknown) => e)
  await closing
  assert.ok(isHypervisorError(err), String(err))
  assert.ok(['HV_MIGRATION_FAILED', 'HV_PEER_UNREACHABLE'].includes(err.code), err.code)
  assert.equal((err as { location?: string }).location, 'source')
  const d = await a.get('vm')
  assert.equal(d.state, 'running')
  assert.equal(d.migrating, undefined)
  assert.deepEqual(await b.list(), [])
})

/** A destination that follows the protocol up to the commit, then does `onCommit` instead of acking. */
async function fakeDestination (onCommit: (s: Socket) => void, holding: 'owned' | 'absent' | 'none'): Promise<{ server: Server, uri: string }> {
  const server = createServer(socket => {
    const reader = new FrameReader()
    socket.on('error', () => {})
    socket.on('data', (chunk: Buffer) => {
      for (const f of reader.push(chunk) as Array<Record<string, unknown>>) {
        if (f.type === 'commit') { onCommit(socket); return }
        if (f.type === 'query') {
          if (holding === 'none') { socket.destroy(); return }
          socket.write(encodeFrame({ v: 1, type: 'holding', holding }))
          continue
        }
        socket.write(encodeFrame({ v: 1, type: 'ok' }))
      }
    })
  })
  await new Promise<void>(resolve => { server.listen(0, '127.0.0.1', resolve) })
  closers.push(async () => { await new Promise(resolve => { server.close(resolve) }) })
  return { server, uri: `memory+tcp://127.0.0.1:${(server.address() as AddressInfo).port}/fake` }
}

test('a lost commit acknowledgement is resolved by asking the destination', async () => {
  const { hv: a } = await host('a4', { resolveTimeoutMs: 600, replyTimeoutMs: 500 })
  // the destination committed: the source hands over
  const owned = await fakeDestination(s => { s.destroy() }, 'owned')
  await running(a, 'acked-late')
  const r = await a.migrate('acked-late', owned.uri, { bandwidthMiBs: 1024 })
  assert.equal(r.location, owned.uri)
  await assert.rejects(a.get('acked-late'), { code: 'HV_DOMAIN_NOT_FOUND' })
  // the destination did not commit (it never answers the commit): the domain keeps running here
  const absent = await fakeDestination(() => {}, 'absent')
  await running(a, 'not-taken')
  await assert.rejects(a.migrate('not-taken', absent.uri, { bandwidthMiBs: 1024 }), { code: 'HV_MIGRATION_FAILED', location: 'source' })
  assert.equal((await a.get('not-taken')).state, 'running')
  // nobody can tell: the copy here is kept, paused
  const mute = await fakeDestination(s => { s.destroy() }, 'none')
  await running(a, 'unknown')
  await assert.rejects(a.migrate('unknown', mute.uri, { bandwidthMiBs: 1024 }), { code: 'HV_MIGRATION_FAILED', location: 'unknown' })
  const d = await a.get('unknown')
  assert.equal(d.state, 'paused')
  assert.equal(d.migrating, undefined)
  assert.ok(logs.some(l => l.level === 50 && /outcome unknown/.test(String(l.msg))))
})

test('migration URIs: derived from the bound port; an unspecified listen address needs an advertised one', async () => {
  const { hv, fabric } = await host('uri-host')
  assert.equal(hv.migrationUri, `memory+tcp://127.0.0.1:${fabric.address.port}/uri-host`)
  await assert.rejects(listenTcpMemoryFabric({ host: '0.0.0.0' }, components), { code: 'HV_INVALID_SPEC' })
  await assert.rejects(listenTcpMemoryFabric({ host: '127.0.0.1', port: fabric.address.port }, components), { code: 'HV_UNAVAILABLE', message: /EADDRINUSE/ })
})

test('concurrent migrations between four TCP fabrics: never zero owners, never two unflagged copies, exactly one owner at the end', async () => {
  const hosts = await Promise.all([0, 1, 2, 3].map(async i => (await host(`c${i}`)).hv))
  const names = Array.from({ length: 40 }, (_, i) => `cvm${i}`)
  for (const [i, n] of names.entries()) await running(hosts[i % 4]!, n, 64 + (i % 7) * 64)
  const results = names.map((n, i) => {
    const ac = new AbortController()
    if (i % 5 === 0) setTimeout(() => { ac.abort() }, 30)
    return hosts[i % 4]!.migrate(n, hosts[(i + 1 + (i % 3)) % 4]!.migrationUri, { signal: ac.signal, bandwidthMiBs: 2048, progressIntervalMs: 20 })
      .then(() => 'ok', (e: { code: string }) => e.code)
  })
  let settled = false
  const all = Promise.all(results).finally(() => { settled = true })
  let samples = 0
  // During the commit round trip an observer may see the source's 'out' copy and the
  // destination's committed one; it never sees none, nor two copies without a flag.
  while (!settled) {
    const lists = await Promise.all(hosts.map(async h => await h.list()))
    for (const n of names) {
      const copies = lists.flatMap(l => l.filter(d => d.name === n))
      assert.ok(copies.some(d => d.migrating !== 'in'), `${n} owned by nobody`)
      assert.ok(copies.filter(d => d.migrating === undefined).length <= 1, `${n} unflagged on two hosts`)
    }
    samples++
    await sleep(5)
  }
  const outcomes = await all
  assert.ok(outcomes.every(o => o === 'ok' || o === 'HV_MIGRATION_ABORTED'), JSON.stringify(outcomes))
  assert.ok(outcomes.filter(o => o === 'ok').length >= 30, JSON.stringify(outcomes))
  for (const n of names) {
    const where = (await Promise.all(hosts.map(async h => (await h.list()).filter(d => d.name === n)))).flat()
    assert.equal(where.length, 1, `${n}: ${JSON.stringify(where)}`)
    assert.equal(where[0]!.state, 'running')
    assert.equal(where[0]!.migrating, undefined)
  }
  assert.ok(samples >= 3, `sampled ${samples} times`)
})

test('a name clash on the destination fails the migration over TCP; both domains untouched', async () => {
  const { hv: a } = await host('clash-a')
  const { hv: b } = await host('clash-b')
  const ua = await running(a, 'same')
  const ub = await running(b, 'same')
  await assert.rejects(a.migrate('same', b.migrationUri), (e: { code: string, location: string, message: string }) =>
    e.code === 'HV_MIGRATION_FAILED' && e.location === 'source' && /HV_DOMAIN_EXISTS/.test(e.message))
  assert.equal((await a.get('same')).uuid, ua)
  assert.equal((await b.get('same')).uuid, ub)
  assert.equal((await a.get('same')).migrating, undefined)
})
