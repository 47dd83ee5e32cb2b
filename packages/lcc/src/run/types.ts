// The run-time contract: constraint calls and their dispatch, peer resolution, messages, events.
// Executors (the in-process Scheduler, the runtime's host loop and coordinator) plug into these.
import type { Span } from '../span.js'
import type { Term } from '../terms/term.js'
import type { LccError } from '../errors.js'

/** A peer's id as it appears in `a(Role, Id)`: an atom (or string) term holding this text. */
export type PeerId = string

/** One evaluation of a constraint `name(args...)` by a peer in a role. */
export interface ConstraintCall {
  readonly key: string
  readonly name: string
  /** The arguments, bindings followed only at the top; unbound ones are variables to fill. */
  readonly args: readonly Term[]
  /** The participant whose constraint this is: in a coordinator, route the call to its host. */
  readonly peer: PeerId
  /** The role the peer is playing (the role's name, e.g. `underloaded`). */
  readonly role: string
  /** The role term with its arguments, e.g. `underloaded(4)`. */
  readonly roleTerm: Term
  /** Whatever the executor attached to the peer (e.g. an interaction id). */
  readonly context: unknown
  /** The constraint in the LCC text. */
  readonly span: Span
}

/**
 * What a constraint answers: `true` (holds), `false` (does not hold), or one term per argument,
 * unified with the arguments (the constraint holds when they unify). This keeps components
 * free of binding machinery and makes remote calls plain data.
 */
export type ConstraintOutcome = boolean | readonly Term[]

/** A component function registered as `name/arity`. */
export type ConstraintFn = (args: readonly Term[], call: ConstraintCall) => ConstraintOutcome | Promise<ConstraintOutcome>

/** Evaluates any non-built-in constraint; throws UnknownConstraintError for unknown keys. */
export type ConstraintDispatcher = (call: ConstraintCall) => ConstraintOutcome | Promise<ConstraintOutcome>

/** A send to `a(toRole, X)` with X unbound: which peer should X be? */
export interface ResolveQuery {
  readonly peer: PeerId
  readonly role: string
  readonly toRole: string
  readonly message: Term
  readonly context: unknown
  readonly span: Span
}

/** Answers a peer id, or null when no peer plays the role yet (the send waits and retries). */
export type PeerResolver = (q: ResolveQuery) => PeerId | null | Promise<PeerId | null>

/** A message in flight. `message` is a copy owned by no clause. */
export interface Envelope {
  readonly from: PeerId
  readonly fromRole: string
  readonly to: PeerId
  readonly toRole: string
  readonly message: Term
}

export type StepKind = 'send' | 'receive' | 'null' | 'change'

/** Why a step could not fire. */
export type BlockReason =
  /** no matching message in the inbox */
  | 'message'
  /** the step's constraint does not hold */
  | 'constraint'
  /** a send to an unbound peer and the resolver found nobody */
  | 'no-peer'

export interface BlockedStep {
  readonly kind: StepKind
  /** The whole step in the LCC text. */
  readonly span: Span
  readonly reason: BlockReason
  /** The constraint call that did not hold, when reason is 'constraint'. */
  readonly at: Span | null
  /** For send/receive: the partner's role, and whether its id is already known. */
  readonly partnerRole: string | null
  readonly partnerKnown: boolean
}

export type PeerStatus =
  /** can try its next step */
  | 'ready'
  /** its last attempt fired nothing; see `blocked` */
  | 'blocked'
  /** a constraint or resolver call is in flight */
  | 'waiting'
  /** its clause ended without a role change */
  | 'finished'
  /** a run-time error; see `error` */
  | 'failed'

/** What one call of `PeerRun.step()` did. */
export type StepOutcome = 'fired' | 'changed' | 'blocked' | 'finished' | 'failed' | 'aborted'

export type RunEvent =
  | { readonly type: 'step', readonly peer: PeerId, readonly role: string, readonly step: StepKind, readonly span: Span }
  | { readonly type: 'send', readonly peer: PeerId, readonly role: string, readonly to: PeerId, readonly toRole: string, readonly message: Term, readonly span: Span }
  | { readonly type: 'receive', readonly peer: PeerId, readonly role: string, readonly from: PeerId, readonly fromRole: string, readonly message: Term, readonly span: Span }
  | { readonly type: 'role', readonly peer: PeerId, readonly from: string, readonly to: string, readonly roleTerm: Term, readonly span: Span | null }
  | { readonly type: 'blocked', readonly peer: PeerId, readonly role: string, readonly steps: readonly BlockedStep[] }
  | { readonly type: 'finished', readonly peer: PeerId, readonly role: string }
  | { readonly type: 'failed', readonly peer: PeerId, readonly role: string, readonly error: LccError }

export type RunEventListener = (e: RunEvent) => void

/** Timer functions, injectable so tests and simulators control time. */
export interface Timers {
  setTimeout (fn: () => void, ms: number): unknown
  clearTimeout (handle: unknown): void
}
