// compile(model): analyse a model once into a Program that any number of peers run.
import type { ClauseNode, ConstraintNode, DefNode, ModelNode, RoleRefNode, TermNode } from '../ast.js'
import { roleName } from '../ast.js'
import { ProgramError } from '../errors.js'
import type { Span } from '../span.js'
import { BUILTINS } from './builtins.js'
import type { CCon, CDef, CStep } from './compiled.js'
import { SlotMap, compileTerm, tplVars } from './template.js'
import type { Tpl } from './template.js'
import type { StepKind } from './types.js'

/** A step that can be a role's first: what the runtime needs to advertise or look up partners. */
export interface LeadingStep {
  readonly kind: StepKind
  readonly span: Span
  /** The partner's role for send/receive, the target role for a change. */
  readonly role: string | null
  /** A send/receive whose partner id is not fixed by the clause head: a partner to find. */
  readonly partnerFree: boolean
}

export interface CompiledClause {
  readonly role: string
  readonly headType: Tpl
  readonly headId: Tpl
  /** Frame slot names; a frame is one fresh variable per name. */
  readonly vars: readonly string[]
  readonly body: CDef
  /** The steps that can fire first. */
  readonly leading: readonly LeadingStep[]
  /** No leading step talks to another peer (e.g. `idle`): the host runs it alone. */
  readonly local: boolean
  /** A leading receive from a partner not yet known: the host should advertise the role. */
  readonly advertises: boolean
  /** A leading send to a partner not yet known: the host should look up and invite candidates. */
  readonly seeks: boolean
  readonly span: Span
}

export interface Program {
  readonly model: ModelNode
  readonly clauses: ReadonlyMap<string, CompiledClause>
  /** Roles declared `initial` (in declaration order). */
  readonly initialRoles: readonly string[]
  clause (role: string): CompiledClause | undefined
}

function compileCon (c: ConstraintNode, slots: SlotMap): CCon {
  switch (c.kind) {
    case 'and': return { kind: 'and', left: compileCon(c.left, slots), right: compileCon(c.right, slots), span: c.span }
    case 'or': return { kind: 'or', left: compileCon(c.left, slots), right: compileCon(c.right, slots), span: c.span }
    case 'not': return { kind: 'not', operand: compileCon(c.operand, slots), span: c.span }
    case 'call': return compileGoal(c.goal, c.span, slots)
  }
}

function compileGoal (g: TermNode, span: Span, slots: SlotMap): CCon {
  if (g.kind === 'var') return { kind: 'dyn', goal: compileTerm(g, slots), span }
  if (g.kind === 'compound' && (g.functor === 'not' || g.functor === '\\+') && g.args.length === 1) {
    return { kind: 'not', operand: compileGoal(g.args[0] as TermNode, span, slots), span }
  }
  let name: string
  let args: TermNode[]
  if (g.kind === 'atom') { name = g.name; args = [] } else if (g.kind === 'compound') { name = g.functor; args = g.args } else {
    throw new ProgramError(`a ${g.kind} is not a constraint`, span)
  }
  const key = `${name}/${args.length}`
  return { kind: 'call', key, name, args: args.map(a => compileTerm(a, slots)), builtin: BUILTINS.get(key) ?? null, span }
}

function roleOf (r: RoleRefNode): string {
  const n = roleName(r)
  if (n === null) throw new ProgramError('a role reference needs a role name', r.span)
  return n
}

function compileDef (d: DefNode, slots: SlotMap, head: Set<string>): CDef {
  const con = (c: ConstraintNode | null): CCon | null => c === null ? null : compileCon(c, slots)
  const free = (id: TermNode): boolean => id.kind === 'var' && !head.has(id.name)
  if ((d.kind === 'then' && d.steps.length === 0) || ((d.kind === 'choice' || d.kind === 'par') && d.branches.length === 0)) {
    throw new ProgramError(`an empty ${d.kind}`, d.span)
  }
  switch (d.kind) {
    case 'then': return { kind: 'then', steps: d.steps.map(s => compileDef(s, slots, head)), span: d.span }
    case 'choice': return { kind: 'choice', branches: d.branches.map(s => compileDef(s, slots, head)), span: d.span }
    case 'par': return { kind: 'par', branches: d.branches.map(s => compileDef(s, slots, head)), span: d.span }
    case 'null': return { kind: 'null', guard: compileCon(d.guard, slots), span: d.span }
    case 'send': return { kind: 'send', guard: con(d.guard), message: compileTerm(d.message, slots), toRole: roleOf(d.to), toId: compileTerm(d.to.id, slots), partnerFree: free(d.to.id), span: d.span }
    case 'receive': return { kind: 'receive', message: compileTerm(d.message, slots), fromRole: roleOf(d.from), fromId: compileTerm(d.from.id, slots), constraint: con(d.constraint), partnerFree: free(d.from.id), span: d.span }
    case 'change': return { kind: 'change', guard: con(d.guard), roleName: roleOf(d.role), roleType: compileTerm(d.role.type, slots), id: compileTerm(d.role.id, slots), span: d.span }
  }
}

function leadingSteps (d: CDef, out: CStep[] = []): CStep[] {
  switch (d.kind) {
    case 'then': if (d.steps.length > 0) leadingSteps(d.steps[0] as CDef, out); break
    case 'choice': case 'par': for (const b of d.branches) leadingSteps(b, out); break
    default: out.push(d)
  }
  return out
}

function describeLeading (s: CStep): LeadingStep {
  switch (s.kind) {
    case 'send': return { kind: s.kind, span: s.span, role: s.toRole, partnerFree: s.partnerFree }
    case 'receive': return { kind: s.kind, span: s.span, role: s.fromRole, partnerFree: s.partnerFree }
    case 'change': return { kind: s.kind, span: s.span, role: s.roleName, partnerFree: false }
    case 'null': return { kind: s.kind, span: s.span, role: null, partnerFree: false }
  }
}

function compileClause (c: ClauseNode): CompiledClause {
  const slots = new SlotMap()
  const headType = compileTerm(c.head.type, slots)
  const headId = compileTerm(c.head.id, slots)
  const head = tplVars(headId, tplVars(headType))
  const body = compileDef(c.body, slots, head)
  const leading = leadingSteps(body).map(describeLeading)
  return {
    role: roleOf(c.head),
    headType,
    headId,
    vars: slots.names,
    body,
    leading,
    local: leading.every(l => l.kind === 'null' || l.kind === 'change'),
    advertises: leading.some(l => l.kind === 'receive' && l.partnerFree),
    seeks: leading.some(l => l.kind === 'send' && l.partnerFree),
    span: c.span
  }
}

/** Compiles a model. Throws ProgramError for what the checker reports as errors (run it first). */
export function compile (model: ModelNode): Program {
  const clauses = new Map<string, CompiledClause>()
  for (const c of model.clauses) {
    const cc = compileClause(c)
    if (clauses.has(cc.role)) throw new ProgramError(`role ${cc.role} is defined by more than one clause`, c.span)
    clauses.set(cc.role, cc)
  }
  const initialRoles = model.roles.filter(r => r.mode === 'initial').map(r => r.role)
  return { model, clauses, initialRoles, clause: role => clauses.get(role) }
}
