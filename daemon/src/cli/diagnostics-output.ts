// Diagnostics for people (`FILE:LINE:COL: error LCC020: message` then `  hint: ...`) and as data.
import type { Diagnostic } from '@parley/lcc'

export interface FileDiagnostics { file: string, diagnostics: Diagnostic[] }

export function diagnosticText (file: string, d: Diagnostic): string {
  const head = `${file}:${d.span.start.line}:${d.span.start.column}: ${d.severity} ${d.code}: ${d.message}`
  return d.hint === undefined ? head : `${head}\n  hint: ${d.hint}`
}

export function diagnosticData (file: string, d: Diagnostic): Record<string, unknown> {
  return {
    file,
    line: d.span.start.line,
    column: d.span.start.column,
    endLine: d.span.end.line,
    endColumn: d.span.end.column,
    severity: d.severity,
    code: d.code,
    message: d.message,
    hint: d.hint ?? null,
  }
}

export function countBySeverity (files: FileDiagnostics[]): { errors: number, warnings: number, infos: number } {
  const all = files.flatMap(f => f.diagnostics)
  return {
    errors: all.filter(d => d.severity === 'error').length,
    warnings: all.filter(d => d.severity === 'warning').length,
    infos: all.filter(d => d.severity === 'info').length,
  }
}
