// The LCC checker: undefined roles, unmatched messages, unbound variables, unknown constraints,
// and the papers' or/then trap.
export { check } from './check.js'
export type { CheckOptions } from './check.js'
export { BUILTIN_CONSTRAINTS, componentSet } from './components.js'
export type { ComponentSet } from './components.js'
export { compatible } from './compatible.js'
export { checkText } from './check-text.js'
export type { CheckTextResult } from './check-text.js'
