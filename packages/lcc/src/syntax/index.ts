// The LCC front end: lexer, parser and formatter.
export { parse } from './parse-model.js'
export type { ParseResult } from './parse-model.js'
export { lex } from './lexer.js'
export type { LexResult } from './lexer.js'
export type { Token, TokenType } from './token.js'
export { MAX_DEPTH } from './state.js'
export { codes, diagnostic } from '../codes.js'
export type { CodeInfo } from '../codes.js'
