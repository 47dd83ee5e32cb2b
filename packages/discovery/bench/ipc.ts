/**
 * Request/reply over a forked child's IPC channel: the bench process drives its worker processes
 * with named operations; every reply carries the request's id.
 */
import { fork, type ChildProcess } from 'node:child_process'

interface Call { id: number, op: string, args: unknown }
type Reply = { id: number, ok: true, value: unknown } | { id: number, ok: false, error: string }

export type Handlers = Record<string, (args: any) => Promise<unknown> | unknown>

/** The bench side: one forked worker process. */
export class WorkerProcess {
  private readonly child: ChildProcess
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (v: unknown) => void, reject: (e: Error) => void, op: string }>()
  readonly exited: Promise<number | null>

  constructor (readonly name: string, script: URL, execArgv: string[] = []) {
    this.child = fork(script, [], { execArgv: ['--expose-gc', ...execArgv], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    this.child.on('message', (m: Reply) => {
      const p = this.pending.get(m.id)
      if (p === undefined) return
      this.pending.delete(m.id)
      if (m.ok) p.resolve(m.value)
      else p.reject(new Error(`${this.name} ${p.op}: ${m.error}`))
    })
    this.exited = new Promise(resolve => {
      this.child.once('exit', (code) => {
        for (const p of this.pending.values()) p.reject(new Error(`${this.name} exited (${code}) during ${p.op}`))
        this.pending.clear()
        resolve(code)
      })
    })
  }

  async call<T = unknown> (op: string, args: unknown = {}): Promise<T> {
    const id = this.nextId++
    return await new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, op })
      this.child.send({ id, op, args } satisfies Call)
    })
  }

  /** Ask the worker to stop its nodes and exit; kill it if it does not within `ms`. */
  async close (ms = 30_000): Promise<void> {
    const timer = setTimeout(() => { this.child.kill('SIGKILL') }, ms)
    await this.call('exit').catch(() => {})
    await this.exited
    clearTimeout(timer)
  }
}

/** The worker side: answer calls until the parent goes away. */
export function serveCalls (handlers: Handlers): void {
  process.on('message', (m: Call) => {
    const h = handlers[m.op]
    const reply = (r: Reply): void => { process.send?.(r) }
    if (h === undefined) { reply({ id: m.id, ok: false, error: `unknown operation ${m.op}` }); return }
    Promise.resolve().then(async () => await h(m.args)).then(
      (value) => { reply({ id: m.id, ok: true, value: value ?? null }) },
      (err: unknown) => { reply({ id: m.id, ok: false, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }) }
    )
  })
  process.on('disconnect', () => { process.exit(0) })
}
