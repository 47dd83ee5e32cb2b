// From text to all diagnostics: the parser's, then (only when the text parsed without errors,
// since a model with skipped clauses would give misleading findings) the checker's.
import type { ModelNode } from '../ast.js'
import type { Diagnostic } from '../diagnostic.js'
import { parse } from '../syntax/parse-model.js'
import { check } from './check.js'
import type { CheckOptions } from './check.js'

export interface CheckTextResult { model: ModelNode, diagnostics: Diagnostic[] }

export function checkText (text: string, options: CheckOptions = {}): CheckTextResult {
  const parsed = parse(text)
  const broken = parsed.diagnostics.some(d => d.severity === 'error')
  const checked = broken ? [] : check(parsed.model, options)
  const diagnostics = [...parsed.diagnostics, ...checked]
    .sort((a, b) => a.span.start.offset - b.span.start.offset || a.code.localeCompare(b.code))
  return { model: parsed.model, diagnostics }
}
