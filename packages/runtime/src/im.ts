// An IM as the agent holds it: checked (errors refuse it), compiled once, hashed, and each role
// classified from the compiled clause flags: local (run alone), advertises (wait to be invited),
// seeks (look up a partner and invite it).
import { createHash } from 'node:crypto'
import { checkText, compile, componentSet } from '@parley/lcc'
import type { Diagnostic, Program } from '@parley/lcc'
import { ImRejectedError, NoInitialRoleError } from './errors.js'
import type { ElectionRule } from './types.js'

export type RoleKind = 'local' | 'advertises' | 'seeks'

export interface RolePlan {
  readonly role: string
  readonly kind: RoleKind
  /** For 'seeks': the roles its leading sends go to (candidates are looked up under these). */
  readonly partnerRoles: readonly string[]
}

export interface LoadedIm {
  readonly name: string
  readonly text: string
  /** sha256 of the text, hex. */
  readonly hash: string
  readonly program: Program
  readonly initialRole: string
  readonly roles: ReadonlyMap<string, RolePlan>
  /** The rule the IM names in a `// @parley coordinator: <rule>` comment, if any. */
  readonly election: ElectionRule | null
  /** Warnings the checker reported (the IM is accepted with them). */
  readonly warnings: readonly Diagnostic[]
}

export function imHash (text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

/** Classifies every clause of a compiled program. */
export function analyseRoles (program: Program): Map<string, RolePlan> {
  const out = new Map<string, RolePlan>()
  for (const [role, c] of program.clauses) {
    // A role that both sends first and receives first is run as an initiator: it has a partner to
    // find either way, and initiating cannot deadlock waiting for an invitation.
    const kind: RoleKind = c.seeks ? 'seeks' : c.advertises ? 'advertises' : 'local'
    const partnerRoles = kind === 'seeks'
      ? [...new Set(c.leading.filter(l => l.kind === 'send' && l.partnerFree && l.role !== null).map(l => l.role as string))]
      : []
    out.set(role, { role, kind, partnerRoles })
  }
  return out
}

const ELECTION = /^\s*\/\/\s*@parley\s+coordinator\s*:\s*([a-z-]+)\s*$/m

/** The election rule an IM names in a comment line `// @parley coordinator: lowest-id`. */
export function electionAnnotation (text: string): ElectionRule | null {
  const m = ELECTION.exec(text)
  if (m === null) return null
  const rule = m[1]
  return rule === 'initiator' || rule === 'lowest-id' ? rule : null
}

/**
 * Parses and checks `text` against the constraints this host provides, compiles it and hashes it.
 * Throws ImRejectedError (with every error diagnostic) when the checker finds errors.
 */
export function loadIm (name: string, text: string, constraintKeys: Iterable<string>): LoadedIm {
  const { model, diagnostics } = checkText(text, { components: componentSet(constraintKeys) })
  const errors = diagnostics.filter(d => d.severity === 'error')
  if (errors.length > 0) throw new ImRejectedError(name, errors)
  let program: Program
  try {
    program = compile(model)
  } catch (err) {
    const d = err as { code?: string, message?: string, span?: Diagnostic['span'] }
    throw new ImRejectedError(name, [{ severity: 'error', code: d.code ?? 'LCC_COMPILE', message: d.message ?? String(err), span: d.span ?? model.span }])
  }
  const initialRole = program.initialRoles[0]
  if (initialRole === undefined) throw new NoInitialRoleError(name)
  return {
    name,
    text,
    hash: imHash(text),
    program,
    initialRole,
    roles: analyseRoles(program),
    election: electionAnnotation(text),
    warnings: diagnostics.filter(d => d.severity !== 'error')
  }
}
