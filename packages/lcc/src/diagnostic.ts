import type { Span } from './span.js'

export type Severity = 'error' | 'warning' | 'info'

/**
 * A problem found in LCC text. Diagnostics are values: no phase of the language throws on bad
 * input. `code` is stable (`LCC001`...) and listed, with its default severity and hint, in
 * `codes.ts`.
 */
export interface Diagnostic {
  severity: Severity
  code: string
  message: string
  span: Span
  hint?: string
}
