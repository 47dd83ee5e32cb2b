// A deterministic in-process executor: several peers of one program, messages delivered among
// them, a seeded order of turns, a step budget and an optional trace. Tests and the simulator use
// it directly; the runtime's coordinator uses it with per-participant constraint dispatch.
//
// A run goes in rounds. Each round visits the awake peers in a seeded order and lets each fire at
// most one step. A peer blocked only on messages sleeps until a message is delivered to it; one
// blocked on a constraint or on finding a partner stays awake and retries. A round in which no
// step fires ends the run as quiescent. A step that awaits a component is awaited before the
// next peer's turn, which keeps runs reproducible.
import { UnknownPeerError } from '../errors.js'
import type { Term } from '../terms/term.js'
import { PeerRun } from './peer.js'
import type { Program } from './program.js'
import { SeededRandom } from './random.js'
import { ConstraintRegistry } from './registry.js'
import { buildReport } from './report.js'
import type { RunReport, RunStatus } from './report.js'
import type { ConstraintDispatcher, Envelope, PeerId, PeerResolver, ResolveQuery, RunEvent, RunEventListener, StepOutcome, Timers } from './types.js'

export interface SchedulerInit {
  /** Seeds the order of turns and the default resolver's picks (default 1). */
  readonly seed?: number
  /** Constraints for peers added without their own (default: an empty registry). */
  readonly constraints?: ConstraintRegistry | ConstraintDispatcher
  /** How a send to an unbound peer finds one (default: a seeded pick among this scheduler's peers playing the role). */
  readonly resolver?: PeerResolver
  readonly constraintTimeoutMs?: number
  readonly timers?: Timers
  /** Keep every event in `trace` (default false). */
  readonly trace?: boolean
  readonly onEvent?: RunEventListener
}

export interface AddPeer {
  readonly id: PeerId
  readonly role: string | Term
  /** This peer's constraints: in a coordinator, a dispatcher that calls the participant's host. */
  readonly constraints?: ConstraintRegistry | ConstraintDispatcher
  readonly context?: unknown
}

export interface RunOptions {
  /** Stop after this many fired steps (default 100,000). */
  readonly maxSteps?: number
  /** Checked after every fired step; the run stops when it returns true. */
  readonly until?: () => boolean
}

function toDispatcher (c: ConstraintRegistry | ConstraintDispatcher): ConstraintDispatcher {
  return c instanceof ConstraintRegistry ? c.dispatcher() : c
}

export class Scheduler {
  readonly trace: RunEvent[] = []
  private readonly list: PeerRun[] = []
  private readonly byId = new Map<PeerId, PeerRun>()
  private readonly awake = new Set<PeerRun>()
  private readonly rng: SeededRandom
  private readonly dispatch: ConstraintDispatcher
  private readonly resolver: PeerResolver
  private readonly listener: RunEventListener | undefined
  private readonly route = (e: Envelope): void => this.deliver(e)

  constructor (readonly program: Program, private readonly init: SchedulerInit = {}) {
    this.rng = new SeededRandom(init.seed ?? 1)
    this.dispatch = toDispatcher(init.constraints ?? new ConstraintRegistry())
    this.resolver = init.resolver ?? (q => this.pickPeer(q))
    const user = init.onEvent
    if (init.trace === true) this.listener = user === undefined ? e => { this.trace.push(e) } : e => { this.trace.push(e); user(e) }
    else this.listener = user
  }

  /** Adds a peer in its starting role (throws UnknownRoleError if the role has no clause). */
  addPeer (p: AddPeer): PeerRun {
    if (this.byId.has(p.id)) throw new TypeError(`peer ${p.id} is already in this scheduler`)
    const peer = new PeerRun(this.program, { id: p.id, role: p.role, context: p.context }, {
      dispatch: p.constraints === undefined ? this.dispatch : toDispatcher(p.constraints),
      resolve: this.resolver,
      send: this.route,
      onEvent: this.listener,
      constraintTimeoutMs: this.init.constraintTimeoutMs,
      timers: this.init.timers
    })
    this.list.push(peer)
    this.byId.set(p.id, peer)
    this.awake.add(peer)
    return peer
  }

  /** Takes a peer out (e.g. a participant that left); messages to it then fail the sender. */
  removePeer (id: PeerId): boolean {
    const p = this.byId.get(id)
    if (p === undefined) return false
    this.byId.delete(id)
    this.awake.delete(p)
    this.list.splice(this.list.indexOf(p), 1)
    return true
  }

  peer (id: PeerId): PeerRun | undefined { return this.byId.get(id) }
  get peers (): readonly PeerRun[] { return this.list }

  /** Puts each listed peer into the given role afresh, with an empty inbox: aborts an interaction. */
  abort (roles: ReadonlyMap<PeerId, string | Term> | Record<PeerId, string | Term>): void {
    const entries = roles instanceof Map ? [...roles.entries()] : Object.entries(roles)
    for (const [id, role] of entries) {
      const p = this.byId.get(id)
      if (p === undefined) throw new UnknownPeerError(id)
      p.become(role)
      this.awake.add(p)
    }
  }

  /** Runs rounds until quiescence, the budget, or `until`. */
  async run (opts: RunOptions = {}): Promise<RunReport> {
    const budget = opts.maxSteps ?? 100_000
    const until = opts.until
    let steps = 0
    const order: PeerRun[] = []
    for (;;) {
      order.length = 0
      for (const p of this.awake) order.push(p)
      if (order.length > 1) this.rng.shuffle(order)
      let fired = false
      for (const p of order) {
        if (this.byId.get(p.id) !== p) continue // removed during this round
        const before = p.steps
        let out: StepOutcome | Promise<StepOutcome> = p.step()
        if (typeof out !== 'string') out = await out
        if (p.steps > before) {
          fired = true
          steps += p.steps - before
        }
        if (out === 'finished' || out === 'failed' || (out === 'blocked' && !p.pollable)) this.awake.delete(p)
        if (steps >= budget) return this.report('budget', steps, budget)
        if (fired && until !== undefined && until()) return this.report('until', steps, budget)
      }
      if (!fired) return this.report('quiescent', steps, budget)
    }
  }

  /** Runs at most `n` steps. */
  runFor (n: number): Promise<RunReport> { return this.run({ maxSteps: n }) }

  private report (status: RunStatus, steps: number, budget: number): RunReport {
    return buildReport(status, steps, this.list, budget)
  }

  private deliver (e: Envelope): void {
    const to = this.byId.get(e.to)
    if (to === undefined) throw new UnknownPeerError(e.to)
    to.deliver(e)
    this.awake.add(to)
  }

  /** The default resolver: a seeded pick among the other peers now playing the role. */
  private pickPeer (q: ResolveQuery): PeerId | null {
    const candidates: PeerRun[] = []
    for (const p of this.list) if (p.roleName === q.toRole && p.id !== q.peer && p.status !== 'failed') candidates.push(p)
    if (candidates.length === 0) return null
    return (candidates[this.rng.below(candidates.length)] as PeerRun).id
  }
}
