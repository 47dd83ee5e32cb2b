// The KVM lab (scripts/kvm-lab.sh) as the daemon's end-to-end tests and benchmarks see it: its hosts,
// guests made with its guest-xml, and where each guest runs, asked of every lab libvirtd by virsh
// (never of parleyd: the test must catch a daemon that loses or duplicates a guest).
import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { ROOT } from './daemon-harness.js'

const run = promisify(execFile)

export const LAB_SCRIPT = join(ROOT, 'scripts', 'kvm-lab.sh')

export interface LabHost { index: number, uri: string, addr: string }

/** Lab hosts 1..n, or the reason to skip (PARLEY_LAB_HOSTS unset or too small). */
export function labHosts (n: number): LabHost[] | string {
  const have = Number(process.env.PARLEY_LAB_HOSTS ?? '')
  if (!Number.isInteger(have) || have < n) {
    return process.env.PARLEY_LAB_SKIP_REASON ?? `PARLEY_LAB_HOSTS is ${process.env.PARLEY_LAB_HOSTS ?? 'unset'}, need ${n} (bash scripts/kvm-lab.sh up ${n}, then PARLEY_LAB_HOSTS=${n})`
  }
  const net = process.env.PARLEY_LAB_NET ?? '127.0.1'
  return Array.from({ length: n }, (_, i) => ({ index: i + 1, uri: `qemu+tcp://${net}.${i + 1}/system`, addr: `${net}.${i + 1}` }))
}

export async function virsh (uri: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('virsh', ['-q', '-c', uri, ...args], { encoding: 'utf8', timeout: 120_000 })
  return stdout
}

export type GuestMode = 'idle' | 'fill' | 'dirty' | 'halt'

/**
 * A lab guest (kvm-lab.sh guest-xml). `cpuPercent` caps its vCPU (cputune quota): a dirty guest
 * then uses that share of one core, so its host's load is known and the machine is not swamped.
 */
export function guestXml (name: string, memMiB: number, mode: GuestMode, cpuPercent?: number): string {
  const xml = execFileSync('bash', [LAB_SCRIPT, 'guest-xml', name, String(memMiB), mode], { encoding: 'utf8' })
  if (cpuPercent === undefined) return xml
  const tune = `<cputune><period>100000</period><quota>${Math.round(cpuPercent * 1000)}</quota></cputune>`
  return xml.replace('<vcpu>1</vcpu>', `<vcpu>1</vcpu>\n  ${tune}`)
}

/** Defines (persistent) and starts a guest on `host`. */
export async function startGuest (host: LabHost, name: string, xml: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-guest-'))
  try {
    const file = join(dir, `${name}.xml`)
    writeFileSync(file, xml)
    await virsh(host.uri, 'define', file)
    await virsh(host.uri, 'start', name)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Destroys and undefines the named guests on every host; a guest already gone is no error. */
export async function removeGuests (hosts: readonly LabHost[], names: readonly string[]): Promise<void> {
  for (const h of hosts) {
    for (const name of names) {
      await virsh(h.uri, 'destroy', name).catch(() => {})
      await virsh(h.uri, 'undefine', name).catch(() => {})
    }
  }
}

export interface Whereabouts {
  /** Lab host indexes where the guest is active: running, or paused (e.g. the incoming copy of a live migration). */
  active: number[]
  /** Lab host indexes where it is running. */
  running: number[]
  /** Lab host indexes where it is defined but not running (a copy someone could start twice). */
  inactive: number[]
}

/** Where each of `names` is, from every lab libvirtd. */
export async function whereabouts (hosts: readonly LabHost[], names: readonly string[]): Promise<Map<string, Whereabouts>> {
  const out = new Map<string, Whereabouts>(names.map(n => [n, { active: [], running: [], inactive: [] }]))
  const listed = async (uri: string, ...flags: string[]): Promise<Set<string>> =>
    new Set((await virsh(uri, 'list', '--name', ...flags)).split('\n').map(s => s.trim()).filter(Boolean))
  await Promise.all(hosts.map(async h => {
    // running first: a guest that leaves this host between the two calls shows as not running here
    const running = await listed(h.uri, '--state-running')
    const active = await listed(h.uri)
    const inactive = await listed(h.uri, '--inactive')
    for (const [name, w] of out) {
      if (active.has(name) || running.has(name)) w.active.push(h.index)
      if (running.has(name)) w.running.push(h.index)
      if (inactive.has(name)) w.inactive.push(h.index)
    }
  }))
  for (const w of out.values()) { w.active.sort(); w.running.sort(); w.inactive.sort() }
  return out
}

/**
 * Problems with "each guest runs exactly once, and nowhere else is it defined", at a quiet point
 * (no migration job): empty when none.
 */
export function exactlyOnceProblems (where: ReadonlyMap<string, Whereabouts>): string[] {
  const problems = inFlightProblems(where)
  for (const [name, w] of where) {
    if (w.active.length > 1 && w.running.length <= 1) problems.push(`${name} is active on hosts ${w.active.join(', ')} with no migration running`)
    if (w.active.length === 1 && w.running.length === 0) problems.push(`${name} is on host ${w.active[0]!} but not running`)
    if (w.inactive.length > 0 && w.active.length > 0) problems.push(`${name} also has a shut-off definition on host ${w.inactive.join(', ')}`)
  }
  return problems
}

/**
 * Problems that no live migration explains: running on two hosts at once, or active nowhere. (While
 * a guest migrates, its incoming copy is active, paused, on the destination.)
 */
export function inFlightProblems (where: ReadonlyMap<string, Whereabouts>): string[] {
  const problems: string[] = []
  for (const [name, w] of where) {
    if (w.active.length === 0) problems.push(`${name} runs nowhere (lost)${w.inactive.length > 0 ? `; defined, shut off, on host ${w.inactive.join(', ')}` : ''}`)
    if (w.running.length > 1) problems.push(`${name} runs on hosts ${w.running.join(', ')} (duplicated)`)
  }
  return problems
}

/** Guests per host (by index): where each one runs (a guest between hosts counts nowhere). */
export function counts (hosts: readonly LabHost[], where: ReadonlyMap<string, Whereabouts>): number[] {
  return hosts.map(h => [...where.values()].filter(w => w.running.length === 1 && w.running[0] === h.index).length)
}

/** Guests of `names` with a migration job in progress on any host (virsh domjobinfo). */
export async function migrationsInProgress (hosts: readonly LabHost[], names: readonly string[]): Promise<string[]> {
  const busy: string[] = []
  const where = await whereabouts(hosts, names)
  await Promise.all([...where].flatMap(([name, w]) => w.active.map(async i => {
    const info = await virsh(hosts[i - 1]!.uri, 'domjobinfo', name).catch(() => '')
    if (/Job type:\s+(Unbounded|Bounded)/.test(info)) busy.push(`${name}@host${i}`)
  })))
  return busy.sort()
}

export const sleep = async (ms: number): Promise<void> => await new Promise(resolve => setTimeout(resolve, ms))
