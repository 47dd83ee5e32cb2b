// The model checker behind `parley im verify`.
export { verify, parseAssume, DEFAULT_DEPTH, DEFAULT_MAX_STATES } from './verify.js'
export type { VerifyOptions } from './verify.js'
export type { Finding, FindingKind, TraceStep, VerifyReport, VerifyStats } from './findings.js'
export type { PeerGroup } from './peers.js'
export { formatReport } from './report.js'
