// Shared helpers for the interpreter tests: compile LCC text, build terms, record constraint calls.
import assert from 'node:assert/strict'
import { parse } from '../src/syntax/index.js'
import { compile } from '../src/run/index.js'
import type { ConstraintCall, ConstraintFn, Program, RunEvent } from '../src/run/index.js'
import { compound, termToString } from '../src/terms/index.js'
import type { Span } from '../src/span.js'

/** Compiles LCC text that must parse without errors. */
export function load (text: string): Program {
  const { model, diagnostics } = parse(text)
  const errors = diagnostics.filter(d => d.severity === 'error')
  assert.deepEqual(errors.map(d => `${d.code} ${d.message}`), [])
  return compile(model)
}

/** The source text a span covers. */
export function textAt (text: string, span: Span): string {
  return text.slice(span.start.offset, span.end.offset)
}

/** A log of constraint calls as `peer:role:name(args)`, and a constraint that records and holds. */
export class CallLog {
  readonly calls: string[] = []
  record (call: ConstraintCall): void {
    this.calls.push(`${call.peer}:${call.role}:${termToString(compound(call.name, call.args))}`)
  }
  holds (): ConstraintFn { return (_a, call) => { this.record(call); return true } }
  fails (): ConstraintFn { return (_a, call) => { this.record(call); return false } }
}

/** Messages in a trace as `from->to: message`. */
export function messages (trace: readonly RunEvent[]): string[] {
  const out: string[] = []
  for (const e of trace) if (e.type === 'send') out.push(`${e.peer}->${e.to}: ${termToString(e.message)}`)
  return out
}

/** Role changes in a trace as `peer: from->to`. */
export function roleChanges (trace: readonly RunEvent[]): string[] {
  const out: string[] = []
  for (const e of trace) if (e.type === 'role' && e.from !== '') out.push(`${e.peer}: ${e.from}->${termToString(e.roleTerm)}`)
  return out
}
