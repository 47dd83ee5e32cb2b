// Scheduler at simulator scale: thousands of peers running ims/balance.lcc with in-memory
// constraint doubles (a third overloaded, a third underloaded). Prints steps/s, migrations and
// heap per peer, to show that per-peer state stays small.
import { readFileSync } from 'node:fs'
import { parse } from '../src/syntax/index.js'
import { ConstraintRegistry, compile, Scheduler } from '../src/run/index.js'
import { deref, num } from '../src/terms/index.js'
import type { Term } from '../src/terms/index.js'

const seed = Number(process.env.PARLEY_SEED ?? 1)
const peers = Number(process.env.BENCH_PEERS ?? 5000)
const steps = Number(process.env.BENCH_STEPS ?? 1_000_000)

type State = 'over' | 'under' | 'balanced'

async function main (): Promise<void> {
  const text = readFileSync(new URL('../../../../ims/balance.lcc', import.meta.url), 'utf8')
  const { model, diagnostics } = parse(text)
  if (diagnostics.some(d => d.severity === 'error')) throw new Error('ims/balance.lcc does not parse')
  const program = compile(model)
  const state = new Map<string, State>()
  let migrations = 0
  const value = (t: Term): number => { const d = deref(t); return d.kind === 'num' ? d.value : NaN }
  const constraints = new ConstraintRegistry({
    'getPeerState/1': () => [num(10)],
    'isOverLoaded/0': (_a, c) => state.get(c.peer) === 'over',
    'isUnderLoaded/0': (_a, c) => state.get(c.peer) === 'under',
    'isMigrationPossible/2': a => value(a[0] as Term) >= value(a[1] as Term),
    'migration/2': (a) => {
      migrations++
      for (const t of a) { const d = deref(t); if (d.kind === 'atom') state.set(d.name, 'balanced') }
      return true
    },
    'waitForMigration/0': (_a, c) => state.get(c.peer) === 'balanced'
  })
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
  const heap0 = process.memoryUsage().heapUsed
  const s = new Scheduler(program, { seed, constraints })
  for (let i = 0; i < peers; i++) {
    const id = `h${i}`
    state.set(id, i % 3 === 0 ? 'over' : i % 3 === 1 ? 'under' : 'balanced')
    s.addPeer({ id, role: 'idle' })
  }
  gc?.()
  const heap1 = process.memoryUsage().heapUsed
  const t0 = process.hrtime.bigint()
  const rep = await s.run({ maxSteps: steps })
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  gc?.()
  const heap2 = process.memoryUsage().heapUsed
  const idle = rep.peers.filter(p => p.role === 'idle').length
  console.log(`seed ${seed}; ${peers} peers running ims/balance.lcc, budget ${steps.toLocaleString('en-US')} steps`)
  console.log(`status       ${rep.status} after ${rep.steps.toLocaleString('en-US')} steps`)
  console.log(`steps/s      ${Math.round(rep.steps / (ms / 1000)).toLocaleString('en-US')}`)
  console.log(`migrations   ${migrations} (of ${Math.ceil(peers / 3)} overloaded peers); ${idle} peers in idle at the end`)
  console.log(`wall time    ${ms.toFixed(1)} ms`)
  console.log(`heap         ${((heap1 - heap0) / peers).toFixed(0)} B per peer after setup; ${((heap2 - heap0) / 1048576).toFixed(1)} MiB above baseline after the run${gc === undefined ? ' (run with --expose-gc for settled figures)' : ''}`)
}

await main()
