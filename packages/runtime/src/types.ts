// The host agent's contract with its two callers (the daemon and the simulator): what they pass in,
// what they can ask, and the events they observe. Everything policy-related lives behind it.
import type { Logger } from 'pino'
import type { Clock, Hypervisor } from '@parley/hypervisor'
import type { Discovery } from '@parley/discovery'
import type { ConstraintFn, Timers } from '@parley/lcc'

/** How the daemon hosting the initiating role picks the interaction's coordinator. */
export type ElectionRule =
  /** the initiator coordinates (OpenKnowledge's default) */
  | 'initiator'
  /** the participant with the lowest peer id (string order) coordinates */
  | 'lowest-id'

export interface Subscription {
  /** What the operator calls the IM (e.g. `balance`). */
  readonly name: string
  /** The IM text; the agent parses, checks, compiles and hashes it (sha256 of the text). */
  readonly text: string
  /** Overrides the IM's `// @parley coordinator: <rule>` annotation. */
  readonly election?: ElectionRule
}

export interface PolicyParams {
  /** Offload above this multiple of the cluster mean load (default 1.2). */
  overloadRatio: number
  /** Accept load below this multiple of the cluster mean load (default 0.8). */
  underloadRatio: number
  /** A threshold must hold this long before the host changes role (default 2,000 ms). */
  sustainMs: number
  /** A moved VM is not moved again within this time (default 60,000 ms). */
  cooldownMs: number
  /**
   * A move must lower the two hosts' summed squared deviation from the mean by at least this
   * fraction of it (default 0.1): no move that merely swaps which host is off balance.
   */
  minImprovement: number
  /** Live migrations in flight on one host, in or out, at most (default 1). */
  maxConcurrentMigrations: number
  /** How often the host samples its hypervisor and its local loop re-runs (default 1,000 ms). */
  sampleIntervalMs: number
  /** The load tracker's smoothing window (default 3 x sampleIntervalMs). */
  loadWindowMs: number
  /** Lease TTL; the coordinator renews at a third of it (default 10,000 ms). */
  leaseTtlMs: number
  /** Bound on one remote constraint call, migrations included (default 120,000 ms). */
  constraintTimeoutMs: number
  /** Bound on a whole interaction (default 300,000 ms). */
  interactionTimeoutMs: number
  /** Abort an interaction in which no step fired for this long (default 10 x sampleIntervalMs). */
  stallTimeoutMs: number
  /** How long the coordinator waits between rounds while participants poll (default 50 ms). */
  pollIntervalMs: number
  /** An advertised role that no one invites is given up after this (default 5 x sampleIntervalMs). */
  roleHoldMs: number
  /** Candidates invited per lookup (default 8). */
  maxCandidates: number
  /** waitForMigration waits at most this for an announced VM to arrive (default 30,000 ms). */
  arrivalTimeoutMs: number
  /**
   * How the cluster mean load is estimated (default 'auto'): 'reports' takes the mean of every
   * host's `parley.load` report (exact, O(N) per host per round); 'push-sum' gossips (sum, weight)
   * pairs with one random peer per sample (O(1) per host per round); 'auto' uses 'reports' while
   * discovery sees fewer than `meanEstimatorAutoHosts` hosts, and push-sum from there on.
   */
  meanEstimator: MeanEstimator
  /** Cluster size (hosts seen through discovery) from which 'auto' switches to push-sum (default 200). */
  meanEstimatorAutoHosts: number
}

export type MeanEstimator = 'reports' | 'push-sum' | 'auto'

export interface HostAgentInit {
  /** Display name of the host (logs, status); the peer id comes from discovery. */
  readonly name: string
  /** What peers pass to Hypervisor.migrate() to send a VM here; default: the hypervisor's own. */
  readonly migrateUri?: string
  readonly subscriptions?: readonly Subscription[]
  readonly policy?: Partial<PolicyParams>
  /** Start cordoned (drain: overloaded until empty, never accepting). */
  readonly cordoned?: boolean
  /** Default election rule for IMs that name none (default 'initiator'). */
  readonly election?: ElectionRule
}

export interface HostAgentComponents {
  readonly hypervisor: Hypervisor
  readonly discovery: Discovery
  readonly logger: Logger
  /** Time: now() and sleep(); the simulator passes a ManualClock. */
  readonly clock: Clock
  /** For lcc's per-constraint timeouts (default: the global timers). */
  readonly timers?: Timers
  /** Extra constraint components by `name/arity`, next to the built-in policy components. */
  readonly constraints?: Readonly<Record<string, ConstraintFn>>
}

/** The phase of one subscribed IM on this host. */
export type SlotPhase =
  /** running a local role (e.g. idle) */
  | 'local'
  /** advertised a role and waits for an invitation */
  | 'advertising'
  /** looks up candidates and invites them */
  | 'seeking'
  /** takes part in an interaction (as coordinator or participant) */
  | 'interacting'
  | 'stopped'

export interface SlotStatus {
  readonly name: string
  readonly imHash: string
  /** The role term now, printed (e.g. `underloaded(0.75)`). */
  readonly role: string
  readonly phase: SlotPhase
  readonly interaction: string | null
}

export interface LeaseStatus {
  readonly interaction: string
  readonly coordinator: string
  readonly imHash: string
  readonly expiresInMs: number
}

export interface InteractionStatus {
  readonly id: string
  readonly imHash: string
  readonly coordinator: string
  readonly participants: readonly string[]
  readonly startedAt: number
}

export interface HostAgentStatus {
  readonly peerId: string
  readonly name: string
  readonly running: boolean
  readonly cordoned: boolean
  readonly subscriptions: readonly SlotStatus[]
  readonly lease: LeaseStatus | null
  /** Interactions this host coordinates now. */
  readonly coordinating: readonly InteractionStatus[]
  readonly load: LoadStatus | null
}

export interface LoadStatus {
  /** This host's load (CPU cores used / host cores). */
  readonly load: number
  /** The cluster mean from fresh load reports and this host's own. */
  readonly mean: number
  readonly reports: number
  readonly state: 'over' | 'under' | 'balanced'
  readonly domains: number
}

interface EventBase { readonly at: number, readonly host: string }

export type HostAgentEvent =
  | EventBase & { readonly type: 'role', readonly imHash: string, readonly from: string, readonly to: string }
  | EventBase & { readonly type: 'advertised' | 'withdrawn', readonly imHash: string, readonly role: string }
  | EventBase & { readonly type: 'interaction-started', readonly interaction: string, readonly imHash: string, readonly coordinator: string }
  | EventBase & { readonly type: 'interaction-ended', readonly interaction: string, readonly imHash: string, readonly participants: readonly string[] }
  | EventBase & { readonly type: 'interaction-aborted', readonly interaction: string, readonly imHash: string, readonly code: string, readonly reason: string }
  /** this host entered an interaction (took a lease, as participant or initiator) */
  | EventBase & { readonly type: 'joined', readonly interaction: string, readonly imHash: string, readonly coordinator: string }
  /** this host left it: ended normally, aborted, or its lease expired */
  | EventBase & { readonly type: 'left', readonly interaction: string, readonly imHash: string, readonly outcome: 'ended' | 'aborted' | 'expired', readonly role: string }
  | EventBase & { readonly type: 'migration-started', readonly interaction: string, readonly vm: string, readonly from: string, readonly to: string, readonly cores: number }
  /** a VM moved (the hypervisor's migrate completed) inside `interaction` */
  | EventBase & { readonly type: 'migration', readonly interaction: string, readonly vm: string, readonly from: string, readonly to: string, readonly cores: number }
  | EventBase & { readonly type: 'migration-failed', readonly interaction: string, readonly vm: string, readonly to: string, readonly code: string, readonly reason: string }
  | EventBase & { readonly type: 'cordon', readonly cordoned: boolean }

export type HostAgentListener = (e: HostAgentEvent) => void
