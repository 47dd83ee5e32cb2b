// Runtime terms: representation, unification with a trail, arithmetic, printing, JSON codec.
export * from './term.js'
export * from './unify.js'
export * from './arith.js'
export * from './print.js'
export * from './copy.js'
export * from './json.js'
export * from './from-ast.js'
