// scripts/kvm-lab.sh: argument checking everywhere; on a lab-capable machine, an isolated lab
// (own directory, own addresses, own cgroups) whose `down` must leave nothing behind.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { open, isAvailable, unavailableReason, LibvirtError } from '../src/index.js'
import type { CloseReason } from '../src/index.js'
import { guestXml, labHosts, labScript, labUri, uniqueName, waitFor } from './lab.js'

function lab (env: NodeJS.ProcessEnv, ...args: string[]): { status: number | null, stdout: string, stderr: string } {
  const r = spawnSync('bash', [labScript, ...args], { encoding: 'utf8', env, timeout: 120_000 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

test('kvm-lab.sh rejects bad arguments and environment with exit 2 and a message', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lvtest-labargs-'))
  const env = { ...process.env, PARLEY_LAB_DIR: dir }
  try {
    const cases: Array<[NodeJS.ProcessEnv, string[], RegExp]> = [
      [env, ['up', '0'], /N must be 1\.\.250/],
      [env, ['up', 'three'], /N must be 1\.\.250/],
      [{ ...env, PARLEY_LAB_NET: '10.0.0' }, ['status'], /loopback only/],
      [{ ...env, PARLEY_LAB_DIR: 'relative/dir' }, ['status'], /absolute path/],
      [env, ['guest-xml', 'bad name', '64'], /NAME may hold only/],
      [env, ['guest-xml', 'ok', '8'], /MEM_MIB must be a number >= 16/],
      [env, ['guest-xml', 'ok', '64', 'turbo'], /mode must be idle, fill, dirty or halt/],
      [env, ['frobnicate'], /usage:/]
    ]
    for (const [e, args, msg] of cases) {
      const r = lab(e, ...args)
      assert.equal(r.status, 2, `${args.join(' ')}: exit ${r.status}, ${r.stderr}`)
      assert.match(r.stderr, msg)
    }
    const xml = lab(env, 'guest-xml', 'lvtest-x', '64', 'fill')
    assert.equal(xml.status, 0)
    assert.match(xml.stdout, /<name>lvtest-x<\/name>/)
    assert.match(xml.stdout, /<on_crash>destroy<\/on_crash>/)
    assert.doesNotMatch(xml.stdout, /<disk|<interface/)
    const kernel = readFileSync(join(dir, 'images', 'parley-fill.bin'))
    assert.equal(kernel.readUInt32LE(0), 0x1badb002) // multiboot magic
    assert.equal((kernel.readUInt32LE(0) + kernel.readUInt32LE(4) + kernel.readUInt32LE(8)) % 2 ** 32, 0) // checksum
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

function cgroupMounts (): string[] {
  return readFileSync('/proc/self/mounts', 'utf8').split('\n')
    .map(l => l.split(' ')).filter(f => f[2] === 'cgroup' || f[2] === 'cgroup2').map(f => f[1] as string)
}

function procsUnder (dir: string, out: number[] = []): number[] {
  if (!existsSync(dir)) return out
  for (const n of readdirSync(dir)) {
    const p = join(dir, n)
    if (n === 'cgroup.procs') out.push(...readFileSync(p, 'utf8').split('\n').filter(Boolean).map(Number))
    else if (statSync(p).isDirectory()) procsUnder(p, out)
  }
  return out
}

function alive (pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

test('an isolated lab runs a guest and `down` leaves no process, cgroup or state behind', async t => {
  const l = labHosts()
  if ('skip' in l) return t.skip(l.skip)
  assert.ok(isAvailable(), unavailableReason() ?? '')
  const dir = `/var/tmp/lab-lvtest-${process.pid}`
  const env = { ...process.env, PARLEY_LAB_DIR: dir, PARLEY_LAB_NET: '127.0.37' }
  const cg = `parley-lab-${createHash('md5').update(dir).digest('hex').slice(0, 8)}`
  try {
    const up = lab(env, 'up', '2')
    assert.equal(up.status, 0, up.stderr)
    assert.match(up.stdout, /host1 qemu\+tcp:\/\/127\.0\.37\.1\/system/)
    assert.match(up.stdout, /host2 qemu\+tcp:\/\/127\.0\.37\.2\/system/)

    const conn = await open(labUri(1, env))
    const reasons: CloseReason[] = []
    conn.onClosed(r => reasons.push(r))
    assert.equal(await conn.getHostname(), 'lab-host1')
    const d = await conn.createDomain(guestXml(uniqueName(), 64, 'idle', env))
    assert.equal((await d.getInfo()).state, 'running')

    const daemons = [1, 2].flatMap(i => ['libvirtd.pid', 'reaper.pid'].map(f => Number(readFileSync(join(dir, 'hosts', String(i), f), 'utf8'))))
    const inCgroups = [...new Set(cgroupMounts().flatMap(m => procsUnder(join(m, cg))))]
    const qemu = inCgroups.filter(p => readFileSync(`/proc/${p}/comm`, 'utf8').startsWith('qemu'))
    assert.equal(qemu.length, 1, `expected the guest's qemu in ${cg}, found ${inCgroups.join(',')}`)
    assert.ok(daemons.every(alive))

    // A frozen peer (no EOF, just silence) is found by keep-alive: 5 s x 3 unanswered probes.
    const frozen = await open(labUri(2, env))
    const frozenReasons: CloseReason[] = []
    frozen.onClosed(r => frozenReasons.push(r))
    const host2 = Number(readFileSync(join(dir, 'hosts', '2', 'libvirtd.pid'), 'utf8'))
    process.kill(host2, 'SIGSTOP')
    try {
      await waitFor('the keep-alive timeout', async () => frozenReasons.length > 0, 40_000, 200)
    } finally {
      process.kill(host2, 'SIGCONT')
    }
    assert.deepEqual(frozenReasons, ['keepalive'])
    assert.equal(frozen.closed, true)
    await assert.rejects(frozen.getHostname(), (e: unknown) => e instanceof LibvirtError && e.code > 0)
    await frozen.close()

    const down = lab(env, 'down')
    assert.equal(down.status, 0, down.stderr)
    assert.deepEqual([...daemons, ...inCgroups].filter(alive), [], 'processes left behind')
    assert.deepEqual(cgroupMounts().filter(m => existsSync(join(m, cg))), [], 'cgroups left behind')
    assert.equal(existsSync(join(dir, 'hosts')), false)
    assert.match(lab(env, 'status').stdout, /lab is down/)
    // The binding noticed the peer going away (close callback through the event loop).
    await waitFor('the connection close callback', async () => reasons.length > 0, 20_000)
    assert.ok(['eof', 'error', 'keepalive'].includes(reasons[0] as string))
    assert.equal(conn.closed, true)
    await conn.close()
  } finally {
    lab(env, 'down')
    rmSync(dir, { recursive: true, force: true })
  }
})
