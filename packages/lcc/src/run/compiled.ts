// The compiled form of a clause body: the AST's shape with terms turned into templates and role
// references reduced to a role name plus an id template. Immutable and shared by every peer.
import type { Span } from '../span.js'
import type { Tpl } from './template.js'
import type { Builtin } from './builtins.js'

export interface CCall {
  readonly kind: 'call'
  readonly key: string
  readonly name: string
  readonly args: readonly Tpl[]
  /** Set for =, is, <, true... which are evaluated in place. */
  readonly builtin: Builtin | null
  readonly span: Span
}
/** A goal that is a variable at compile time (`call(G)`-style): resolved when evaluated. */
export interface CDynCall { readonly kind: 'dyn', readonly goal: Tpl, readonly span: Span }
export interface CAnd { readonly kind: 'and', readonly left: CCon, readonly right: CCon, readonly span: Span }
export interface COr { readonly kind: 'or', readonly left: CCon, readonly right: CCon, readonly span: Span }
export interface CNot { readonly kind: 'not', readonly operand: CCon, readonly span: Span }
export type CCon = CCall | CDynCall | CAnd | COr | CNot

export interface CSend {
  readonly kind: 'send'
  readonly message: Tpl
  readonly toRole: string
  readonly toId: Tpl
  readonly guard: CCon | null
  /** The id is not fixed by the clause head (a partner to find). */
  readonly partnerFree: boolean
  readonly span: Span
}
export interface CReceive {
  readonly kind: 'receive'
  readonly message: Tpl
  readonly fromRole: string
  readonly fromId: Tpl
  readonly constraint: CCon | null
  readonly partnerFree: boolean
  readonly span: Span
}
export interface CNull { readonly kind: 'null', readonly guard: CCon, readonly span: Span }
export interface CChange {
  readonly kind: 'change'
  readonly roleName: string
  readonly roleType: Tpl
  readonly id: Tpl
  readonly guard: CCon | null
  readonly span: Span
}
export type CStep = CSend | CReceive | CNull | CChange

export interface CThen { readonly kind: 'then', readonly steps: readonly CDef[], readonly span: Span }
export interface CChoice { readonly kind: 'choice', readonly branches: readonly CDef[], readonly span: Span }
export interface CPar { readonly kind: 'par', readonly branches: readonly CDef[], readonly span: Span }
export type CDef = CStep | CThen | CChoice | CPar
