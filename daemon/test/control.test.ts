// The control protocol: round trips, streaming, malformed input that never takes the server down,
// stale and live socket files, and the client's coded connection errors.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, statSync, writeFileSync } from 'node:fs'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import {
  BadParamsError, checkDrain, checkNone, checkSubscribe, ControlClient, ControlError, ControlServer, callDaemon, MAX_LINE_BYTES,
} from '../src/control/index.js'
import type { MethodTable } from '../src/control/index.js'

const dir = mkdtempSync(join(tmpdir(), 'parley-control-'))
const log = pino({ level: 'silent' })
const servers: ControlServer[] = []
after(async () => { for (const s of servers) await s.close() })

let aborted = 0
const methods: MethodTable = {
  status: { check: checkNone('status'), run: async () => ({ peerId: 'p1', vms: 2 }) },
  drain: {
    check: checkDrain,
    run: async (p: { dryRun?: boolean }, ctx) => {
      for (let i = 1; i <= 3; i++) ctx.emit({ type: 'progress', done: i, total: 3 })
      return { dryRun: p.dryRun === true }
    },
  },
  subscribe: { check: checkSubscribe, run: async (p: { name?: string }) => ({ name: p.name }) },
  refuse: { check: checkNone('status'), run: async () => { throw new ControlError('PARLEY_IM_NOT_ALLOWED', 'not allowed', 'add --allow-im x') } },
  crash: { check: checkNone('status'), run: async () => { throw new TypeError('boom') } },
  hang: {
    check: checkNone('status'),
    run: async (_p, ctx) => {
      await new Promise<void>(resolve => { ctx.signal.addEventListener('abort', () => { aborted++; resolve() }, { once: true }) })
      return null
    },
  },
}

async function serve (name: string): Promise<string> {
  const path = join(dir, name)
  const s = new ControlServer({ path, methods }, log)
  await s.listen()
  servers.push(s)
  return path
}

/** Sends raw lines on one connection and collects `count` answer lines. */
async function raw (path: string, payload: string, count: number): Promise<Array<Record<string, unknown>>> {
  return await new Promise((resolve, reject) => {
    const sock = createConnection(path)
    let buf = ''
    const lines: Array<Record<string, unknown>> = []
    const timer = setTimeout(() => { sock.destroy(); reject(new Error(`timed out with ${lines.length}/${count} lines: ${buf}`)) }, 10_000)
    sock.on('data', d => {
      buf += d.toString()
      let nl
      while ((nl = buf.indexOf('\n')) >= 0) {
        lines.push(JSON.parse(buf.slice(0, nl)) as Record<string, unknown>)
        buf = buf.slice(nl + 1)
      }
      if (lines.length >= count) { clearTimeout(timer); sock.destroy(); resolve(lines) }
    })
    sock.on('error', reject)
    sock.write(payload)
  })
}

test('round trip: a request by id gets its answer; the socket is mode 0660', async () => {
  const path = await serve('a.sock')
  assert.equal(statSync(path).mode & 0o777, 0o660)
  assert.deepEqual(await callDaemon(path, 'status'), { peerId: 'p1', vms: 2 })
  const client = await ControlClient.connect(path)
  try {
    const [a, b] = await Promise.all([client.call('status'), client.call('subscribe', { text: 'a(r, X) :: null <- true.', name: 'balance' })])
    assert.deepEqual(a, { peerId: 'p1', vms: 2 })
    assert.deepEqual(b, { name: 'balance' })
  } finally { client.close() }
})

test('streaming: events arrive in order before the answer', async () => {
  const path = await serve('b.sock')
  const events: unknown[] = []
  const result = await callDaemon(path, 'drain', { dryRun: true }, { onEvent: e => events.push(e) })
  assert.deepEqual(result, { dryRun: true })
  assert.deepEqual(events, [1, 2, 3].map(done => ({ type: 'progress', done, total: 3 })))
})

test('errors keep their code and hint across the socket; a handler crash is PARLEY_INTERNAL', async () => {
  const path = await serve('c.sock')
  const client = await ControlClient.connect(path)
  try {
    await assert.rejects(client.call('refuse'), (e: ControlError) => e.code === 'PARLEY_IM_NOT_ALLOWED' && e.hint === 'add --allow-im x')
    await assert.rejects(client.call('crash'), (e: ControlError) => e.code === 'PARLEY_INTERNAL' && /boom/.test(e.message))
    await assert.rejects(client.call('nope'), (e: ControlError) => e.code === 'PARLEY_CONTROL_UNKNOWN_METHOD' && /status/.test(e.hint))
    await assert.rejects(client.call('drain', { deadlineMs: -5 }), (e: ControlError) => e.code === 'PARLEY_CONTROL_BAD_PARAMS')
    await assert.rejects(client.call('drain', { dryrun: true }), (e: ControlError) => e.code === 'PARLEY_CONTROL_BAD_PARAMS' && /"dryrun"/.test(e.message))
    await assert.rejects(client.call('subscribe', { name: 'x' }), (e: ControlError) => e.code === 'PARLEY_CONTROL_BAD_PARAMS')
    // the connection is still usable after all that
    assert.deepEqual(await client.call('status'), { peerId: 'p1', vms: 2 })
  } finally { client.close() }
})

test('malformed lines get coded answers with their id when they have one, and the server lives on', async () => {
  const path = await serve('d.sock')
  const answers = await raw(path, [
    'not json',
    '[1,2]',
    '{"method":"status"}',
    '{"id":7}',
    '{"id":8,"method":"status","params":[1]}',
    '{"id":9,"method":"__proto__"}',
    '{"id":10,"method":"status","params":{"x":1}}',
    '{"id":11,"method":"status"}',
  ].join('\n') + '\n', 8)
  const byCode = answers.map(a => [a.id, (a.error as { code?: string } | undefined)?.code ?? 'ok'])
  assert.deepEqual(byCode, [
    [null, 'PARLEY_CONTROL_BAD_JSON'],
    [null, 'PARLEY_CONTROL_BAD_REQUEST'],
    [null, 'PARLEY_CONTROL_BAD_REQUEST'],
    [7, 'PARLEY_CONTROL_BAD_REQUEST'],
    [8, 'PARLEY_CONTROL_BAD_REQUEST'],
    [9, 'PARLEY_CONTROL_UNKNOWN_METHOD'],
    [10, 'PARLEY_CONTROL_BAD_PARAMS'],
    [11, 'ok'],
  ])
  for (const a of answers.slice(0, 7)) {
    const e = a.error as { message: string, hint: string }
    assert.ok(e.message.length > 0 && e.hint.length > 0)
  }
  assert.deepEqual(await callDaemon(path, 'status'), { peerId: 'p1', vms: 2 })
})

test('an oversized line is refused and its connection closed; others are unaffected', async () => {
  const path = await serve('e.sock')
  const [answer] = await raw(path, 'x'.repeat(MAX_LINE_BYTES + 10), 1)
  assert.equal((answer!.error as { code: string }).code, 'PARLEY_CONTROL_TOO_LARGE')
  assert.deepEqual(await callDaemon(path, 'status'), { peerId: 'p1', vms: 2 })
})

test('a caller that hangs up aborts its streaming request', async () => {
  const path = await serve('f.sock')
  const client = await ControlClient.connect(path)
  const pending = client.call('hang', {}, { onEvent: () => {} })
  await new Promise(resolve => setTimeout(resolve, 100))
  const before = aborted
  client.close()
  await assert.rejects(pending, (e: ControlError) => e.code === 'PARLEY_DAEMON_GONE')
  for (let i = 0; i < 50 && aborted === before; i++) await new Promise(resolve => setTimeout(resolve, 20))
  assert.equal(aborted, before + 1)
})

test('a stale socket file is replaced; a live one is refused with PARLEY_SOCKET_IN_USE', async () => {
  const stale = join(dir, 'stale.sock')
  writeFileSync(stale, '')
  const s = new ControlServer({ path: stale, methods }, log)
  await s.listen()
  servers.push(s)
  assert.deepEqual(await callDaemon(stale, 'status'), { peerId: 'p1', vms: 2 })
  const second = new ControlServer({ path: stale, methods }, log)
  await assert.rejects(second.listen(), (e: ControlError) => e.code === 'PARLEY_SOCKET_IN_USE')
  assert.deepEqual(await callDaemon(stale, 'status'), { peerId: 'p1', vms: 2 })
})

test('the socket directory is created when missing; an unusable path is PARLEY_SOCKET_FAILED', async () => {
  const path = join(dir, 'run', 'parley', 'p.sock')
  const s = new ControlServer({ path, methods }, log)
  await s.listen()
  servers.push(s)
  assert.deepEqual(await callDaemon(path, 'status'), { peerId: 'p1', vms: 2 })
  writeFileSync(join(dir, 'plainfile'), '')
  const bad = new ControlServer({ path: join(dir, 'plainfile', 'p.sock'), methods }, log)
  await assert.rejects(bad.listen(), (e: ControlError) => e.code === 'PARLEY_SOCKET_FAILED' && /ENOTDIR|EEXIST/.test(e.message))
})

test('the client names a missing daemon PARLEY_NO_DAEMON with the path and errno', async () => {
  const path = join(dir, 'nobody.sock')
  await assert.rejects(callDaemon(path, 'status'), (e: ControlError) =>
    e.code === 'PARLEY_NO_DAEMON' && e.message === `cannot connect to ${path} (ENOENT)` && /is parleyd running\?/.test(e.hint))
})

test('param checks refuse wrong types with a hint', () => {
  assert.throws(() => checkDrain({ wait: 'yes' }), (e: BadParamsError) => e.code === 'PARLEY_CONTROL_BAD_PARAMS' && /"wait" must be a boolean/.test(e.message))
  assert.throws(() => checkSubscribe({ text: 'x', path: '/a' }), BadParamsError)
  assert.throws(() => checkSubscribe({ path: 'relative.lcc' }), /must be absolute/)
  assert.deepEqual(checkDrain({ dryRun: true, deadlineMs: 1000 }), { dryRun: true, deadlineMs: 1000 })
})
