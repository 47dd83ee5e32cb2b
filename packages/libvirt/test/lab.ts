// Helpers for tests and benchmarks that run against scripts/kvm-lab.sh hosts.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { open } from '../src/index.js'
import type { Connection, Domain } from '../src/index.js'

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..')
export const labScript = join(repoRoot, 'scripts', 'kvm-lab.sh')

/** Number of lab hosts, or null with the reason to skip. */
export function labHosts (): { hosts: number } | { skip: string } {
  const n = Number(process.env.PARLEY_LAB_HOSTS ?? '')
  if (Number.isInteger(n) && n >= 2) return { hosts: n }
  return { skip: process.env.PARLEY_LAB_SKIP_REASON ?? 'PARLEY_LAB_HOSTS is unset (bash scripts/kvm-lab.sh up 3, then PARLEY_LAB_HOSTS=3)' }
}

export function labUri (i: number, env: NodeJS.ProcessEnv = process.env): string {
  return `qemu+tcp://${env.PARLEY_LAB_NET ?? '127.0.1'}.${i}/system`
}

/** A unique test domain name: tests only ever touch domains with their own prefix. */
export function uniqueName (prefix = 'lvtest'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`
}

export type GuestMode = 'idle' | 'fill' | 'dirty' | 'halt'

/** A diskless, NIC-less KVM guest (kvm-lab.sh guest-xml): idle BIOS, halted at once, RAM filled once, or RAM dirtied forever. */
export function guestXml (name: string, memMiB: number, mode: GuestMode = 'idle', env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync('bash', [labScript, 'guest-xml', name, String(memMiB), mode], { encoding: 'utf8', env })
}

export const sleep = async (ms: number): Promise<void> => await new Promise(resolve => setTimeout(resolve, ms))

export async function waitFor (what: string, check: () => Promise<boolean>, timeoutMs = 30_000, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await check().catch(() => false)) return
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(everyMs)
  }
}

/** Destroys and undefines the named domains wherever they are; errors (already gone) are ignored. */
export async function removeDomains (conns: Connection[], names: string[]): Promise<void> {
  for (const c of conns) {
    for (const name of names) {
      const d = await c.lookupDomainByName(name).catch(() => null)
      if (d === null) continue
      await d.destroy().catch(() => {})
      await d.undefine().catch(() => {})
    }
  }
}

/** Waits until a 'fill'/'dirty' guest has touched (nearly) all its RAM, by its resident size. */
export async function waitResident (c: Connection, d: Domain, memMiB: number, timeoutMs = 120_000): Promise<void> {
  await waitFor(`${d.name} to touch its memory`, async () => {
    const rec = (await c.getAllDomainStats()).find(r => r.uuid === d.uuid)
    const rss = rec?.params['balloon.rss']
    return typeof rss === 'number' && rss >= memMiB * 1024 * 0.95
  }, timeoutMs, 500)
}

export async function openLab (n: number): Promise<Connection[]> {
  const out: Connection[] = []
  for (let i = 1; i <= n; i++) out.push(await open(labUri(i)))
  return out
}

/** Waits until a 'fill' guest has halted: its cpu time stops growing. */
export async function waitHalted (d: Domain, timeoutMs = 120_000): Promise<void> {
  let last = -1
  await waitFor(`${d.name} to halt`, async () => {
    const t = (await d.getInfo()).cpuTimeNs
    const halted = last >= 0 && t - last < 20_000_000 // < 2% of a cpu over the second
    last = t
    return halted
  }, timeoutMs, 1000)
}
