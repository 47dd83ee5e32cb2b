// Interpreter throughput: a ping/pong IM exchanging 1,000 messages between two peers in the
// Scheduler (a counter carried through role recursion with `is`), repeated for a stable figure.
// Prints steps/s, messages, wall time and heap. Goal: >= 200,000 steps/s.
import { parse } from '../src/syntax/index.js'
import { compile, Scheduler } from '../src/run/index.js'
import type { Program } from '../src/run/index.js'
import { atom, compound, num } from '../src/terms/index.js'

const PINGPONG = `
r(ping, initial)
r(pong, initial)
a(ping(N, Limit, P), I) ::
  ( null <- N < Limit then
    ping(N) => a(pong, P) then
    pong(M) <= a(pong, P) then
    null <- N1 is M + 1 then
    a(ping(N1, Limit, P), I) )
  or
  ( stop => a(pong, P) ).
a(pong, J) ::
  ( ping(N) <= a(ping, Q) then
    pong(N) => a(ping, Q) then
    a(pong, J) )
  or
  ( stop <= a(ping, Q) ).
`

const seed = Number(process.env.PARLEY_SEED ?? 1)
const roundTrips = 500 // 1,000 messages, plus the final stop
const repeats = Number(process.env.BENCH_REPEATS ?? 200)

async function once (program: Program): Promise<{ steps: number, messages: number }> {
  const s = new Scheduler(program, { seed })
  s.addPeer({ id: 'ping', role: compound('ping', [num(0), num(roundTrips), atom('pong')]) })
  s.addPeer({ id: 'pong', role: 'pong' })
  const r = await s.run({ maxSteps: 1_000_000 })
  if (r.status !== 'quiescent' || r.problems.length > 0) throw new Error(`unexpected run: ${r.status} ${r.problems.map(p => p.message).join('; ')}`)
  for (const p of r.peers) if (p.status !== 'finished') throw new Error(`peer ${p.id} ended ${p.status}`)
  return { steps: r.steps, messages: roundTrips * 2 + 1 }
}

async function main (): Promise<void> {
  const { model, diagnostics } = parse(PINGPONG)
  const errors = diagnostics.filter(d => d.severity === 'error')
  if (errors.length > 0) throw new Error(errors.map(d => `${d.code} ${d.message}`).join('\n'))
  const program = compile(model)
  for (let i = 0; i < 20; i++) await once(program) // warm up
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
  const heapBefore = process.memoryUsage().heapUsed
  let steps = 0
  let messages = 0
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < repeats; i++) {
    const r = await once(program)
    steps += r.steps
    messages += r.messages
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  const heapAfter = process.memoryUsage().heapUsed
  const perRun = steps / repeats
  console.log(`seed ${seed}; ${repeats} runs of a ${roundTrips * 2}-message ping/pong exchange (${perRun} steps each)`)
  console.log(`steps/s      ${Math.round(steps / (ms / 1000)).toLocaleString('en-US')}`)
  console.log(`messages/s   ${Math.round(messages / (ms / 1000)).toLocaleString('en-US')}`)
  console.log(`steps        ${steps.toLocaleString('en-US')}`)
  console.log(`messages     ${messages.toLocaleString('en-US')}`)
  console.log(`wall time    ${ms.toFixed(1)} ms (${(ms / repeats).toFixed(3)} ms per exchange)`)
  console.log(`heap         ${(heapBefore / 1048576).toFixed(1)} MiB before, ${(heapAfter / 1048576).toFixed(1)} MiB after${gc === undefined ? ' (run with --expose-gc for a settled baseline)' : ''}`)
  console.log(`goal         >= 200,000 steps/s: ${steps / (ms / 1000) >= 200_000 ? 'met' : 'NOT met'}`)
}

await main()
