// What `im verify` reports: findings with a stable code, a severity and a shortest trace.
export type FindingKind = 'deadlock' | 'stuck' | 'orphan' | 'undefinedRole' | 'livelock' | 'starved' | 'unreachable' | 'bound'

export interface TraceStep {
  readonly n: number
  readonly peer: string
  readonly role: string
  readonly action: string
  /** Source line of the step, when there is one. */
  readonly line: number | null
}

export interface Finding {
  readonly kind: FindingKind
  readonly code: string
  readonly severity: 'error' | 'warning'
  readonly message: string
  readonly hint: string
  readonly line: number | null
  /** How to get there from the initial state; empty when the initial state itself is the problem. */
  readonly trace: readonly TraceStep[]
  /** What each blocked peer waits on, for deadlocks and starvation. */
  readonly waiting: readonly string[]
}

export interface VerifyStats {
  readonly states: number
  readonly transitions: number
  readonly maxDepth: number
  readonly heapMiB: number
  readonly elapsedMs: number
  readonly symmetry: boolean
  /** False when a depth or state bound stopped the search: absence of findings is then partial. */
  readonly complete: boolean
}

export interface VerifyReport {
  readonly peers: ReadonlyArray<{ readonly name: string, readonly role: string }>
  readonly stats: VerifyStats
  readonly findings: readonly Finding[]
  /** Bad options or a model with no clauses: the search did not run. */
  readonly errors: readonly string[]
}
