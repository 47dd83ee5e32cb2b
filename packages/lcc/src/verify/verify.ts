// `verify(model, options)`: explicit-state exploration of every interleaving of a set of peers
// running an IM, with constraints left open. See explore.ts (search), step.ts (semantics),
// peers.ts (which peers), analyse.ts (what is reported).
import type { ModelNode } from '../ast.js'
import { analyse } from './analyse.js'
import type { Assumptions } from './constraints.js'
import { explore } from './explore.js'
import type { VerifyReport } from './findings.js'
import type { PeerGroup } from './peers.js'
import { defaultGroups, expandGroups, parsePeers } from './peers.js'
import { compile } from './program.js'

export interface VerifyOptions {
  /** `role=N,...` text or groups; default: see peers.ts. */
  readonly peers?: string | readonly PeerGroup[]
  /** Longest trace explored (BFS depth). Default 1000. */
  readonly depth?: number
  /** Most states kept. Default 2,000,000. */
  readonly maxStates?: number
  /** Fixed constraint answers, by `name` or `name/arity`. */
  readonly assume?: Readonly<Record<string, boolean>>
  /** Stop the search after this many milliseconds. Default: no limit. */
  readonly maxMs?: number
  /** Peers of one initial role are interchangeable. Default true. */
  readonly symmetry?: boolean
}

export const DEFAULT_DEPTH = 1000
export const DEFAULT_MAX_STATES = 2_000_000

/** Parses `name=true,other=false` (the CLI's repeated --assume values). */
export function parseAssume (items: readonly string[]): Record<string, boolean> | string {
  const out: Record<string, boolean> = {}
  for (const item of items.flatMap(s => s.split(',')).map(s => s.trim()).filter(s => s !== '')) {
    const m = /^([^=\s]+)=(true|false)$/.exec(item)
    if (m === null) return `bad --assume '${item}': write name=true or name=false (name or name/arity)`
    out[m[1]!] = m[2] === 'true'
  }
  return out
}

export function verify (model: ModelNode, options: VerifyOptions = {}): VerifyReport {
  const started = performance.now()
  const prog = compile(model)
  const errors: string[] = []
  let groups: readonly PeerGroup[] = defaultGroups(prog)
  if (typeof options.peers === 'string') {
    const parsed = parsePeers(options.peers, prog)
    if (typeof parsed === 'string') errors.push(parsed)
    else groups = parsed
  } else if (options.peers !== undefined) groups = options.peers
  if (prog.clauses.size === 0) errors.push('the model has no clauses')
  const depth = options.depth ?? DEFAULT_DEPTH
  if (!Number.isInteger(depth) || depth < 1) errors.push(`bad --depth ${depth}: give a whole number of steps, at least 1`)
  const empty = { states: 0, transitions: 0, maxDepth: 0, heapMiB: 0, elapsedMs: 0, symmetry: false, complete: false }
  if (errors.length > 0) return { peers: [], stats: empty, findings: [], errors }
  const { peers, classes } = expandGroups(groups)
  const symmetry = options.symmetry ?? true
  const assume: Assumptions = new Map(Object.entries(options.assume ?? {}))
  const x = explore(prog, peers, {
    assume, maxDepth: depth, maxStates: options.maxStates ?? DEFAULT_MAX_STATES, maxMs: options.maxMs ?? Infinity, classes: symmetry ? classes : null,
  })
  const heapMiB = Math.max(x.peakHeap, process.memoryUsage().heapUsed) / (1 << 20)
  const findings = analyse({ prog, peers, assume }, x)
  return {
    peers,
    stats: {
      states: x.keys.length,
      transitions: x.transitions,
      maxDepth: x.depth.reduce((a, b) => Math.max(a, b), 0),
      heapMiB: Math.round(heapMiB * 10) / 10,
      elapsedMs: Math.round(performance.now() - started),
      symmetry,
      complete: x.stoppedBy === null,
    },
    findings,
    errors: [],
  }
}
