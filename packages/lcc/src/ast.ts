// The LCC abstract syntax tree. Every node is a discriminated union member on `kind` and carries
// the span of the source text it came from. The parser produces it, the formatter prints it, the
// checker, the model checker and the interpreter consume it.
import type { Span } from './span.js'

// ---------------------------------------------------------------------------------------------
// Terms (Prolog-style). Operators such as `X + 1`, `A > B` or `X is Y * 2` are compound terms
// whose functor is the operator ('+', '>', 'is', ...). `name()` is a compound with no arguments,
// distinct from the atom `name` only in how it was written; both call the constraint `name/0`.

export interface AtomNode { kind: 'atom', name: string, quoted: boolean, span: Span }
/** `_` is the anonymous variable: every occurrence is a fresh variable. */
export interface VarNode { kind: 'var', name: string, span: Span }
export interface NumberNode { kind: 'number', value: number, span: Span }
/** A double-quoted string, `"ok"`. Single quotes make a quoted atom. */
export interface StringNode { kind: 'string', value: string, span: Span }
export interface CompoundNode { kind: 'compound', functor: string, args: TermNode[], span: Span }
/** `[a, b | T]`: items a, b and tail T; `[]` has no items and a null tail. */
export interface ListNode { kind: 'list', items: TermNode[], tail: TermNode | null, span: Span }

export type TermNode = AtomNode | VarNode | NumberNode | StringNode | CompoundNode | ListNode

// ---------------------------------------------------------------------------------------------
// Constraints: the right-hand side of `<-`. A call is any term used as a goal; comparisons and
// `is` are calls whose term is the operator compound.

export interface CallNode { kind: 'call', goal: TermNode, span: Span }
export interface AndNode { kind: 'and', left: ConstraintNode, right: ConstraintNode, span: Span }
export interface OrConstraintNode { kind: 'or', left: ConstraintNode, right: ConstraintNode, span: Span }
export interface NotNode { kind: 'not', operand: ConstraintNode, span: Span }

export type ConstraintNode = CallNode | AndNode | OrConstraintNode | NotNode

// ---------------------------------------------------------------------------------------------
// Roles. `a(overloaded(Need), ID1)`: the role's name is the functor of `type` (`overloaded`), its
// parameters are the arguments of `type`, and `id` is the peer identifier (usually a variable).
// Messages address roles by name only, so `a(underloaded, ID2)` reaches `a(underloaded(C), ID2)`.

export interface RoleRefNode { kind: 'role', type: TermNode, id: TermNode, span: Span }

// ---------------------------------------------------------------------------------------------
// Definitions (the body of a clause). Steps are the atoms of the grammar; `then`, `or` and `par`
// combine them. Chains are flattened: `A then B then C` is one `then` node with three steps. A
// parenthesised chain nested in a chain of the same kind stays nested.

/** `M => a(R, X)` or `M => a(R, X) <- C`: the guard must hold before the message is sent. */
export interface SendNode { kind: 'send', message: TermNode, to: RoleRefNode, guard: ConstraintNode | null, span: Span }
/** `M <= a(R, X)` or `C <- M <= a(R, X)`: the constraint is evaluated after the message arrives. */
export interface ReceiveNode { kind: 'receive', message: TermNode, from: RoleRefNode, constraint: ConstraintNode | null, span: Span }
/** `null <- C`: no message; only the constraint. */
export interface NullNode { kind: 'null', guard: ConstraintNode, span: Span }
/** `a(R, X)` or `a(R, X) <- C`: a role change, or recursion into the same role. */
export interface ChangeNode { kind: 'change', role: RoleRefNode, guard: ConstraintNode | null, span: Span }

export interface ThenNode { kind: 'then', steps: DefNode[], span: Span }
/**
 * Committed choice: the first branch whose first step can fire is taken. `orSpans` (optional, set
 * by the parser) are the spans of the `or` keywords between the branches, for diagnostics.
 */
export interface ChoiceNode { kind: 'choice', branches: DefNode[], span: Span, orSpans?: Span[] }
export interface ParNode { kind: 'par', branches: DefNode[], span: Span }

export type StepNode = SendNode | ReceiveNode | NullNode | ChangeNode
export type DefNode = StepNode | ThenNode | ChoiceNode | ParNode

// ---------------------------------------------------------------------------------------------
// Model

/** `a(Role, Id) :: Def` with an optional trailing `.`. */
export interface ClauseNode { kind: 'clause', head: RoleRefNode, body: DefNode, span: Span }

export type RoleMode = 'initial' | 'necessary' | 'auxiliary'
/** `r(role, initial)`, `r(role, necessary, 3)`, `r(role, auxiliary)`. */
export interface RoleDeclNode { kind: 'roleDecl', role: string, mode: RoleMode, count: number | null, span: Span }

/** A `//` or `/* *\/` comment, kept so that the formatter can print it back. */
export interface CommentNode { kind: 'comment', text: string, block: boolean, span: Span }

export interface ModelNode {
  kind: 'model'
  roles: RoleDeclNode[]
  clauses: ClauseNode[]
  comments: CommentNode[]
  span: Span
}

export type Node = TermNode | ConstraintNode | RoleRefNode | DefNode | ClauseNode | RoleDeclNode | CommentNode | ModelNode

/** The name a role is addressed by: the functor of its type term, or the atom itself. */
export function roleName (role: RoleRefNode): string | null {
  const t = role.type
  if (t.kind === 'atom') return t.name
  if (t.kind === 'compound') return t.functor
  return null
}
