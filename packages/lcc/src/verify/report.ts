// The verify report as text, for the terminal.
import type { Finding, VerifyReport } from './findings.js'

function findingText (f: Finding, file: string): string[] {
  const where = f.line === null ? file : `${file}:${f.line}`
  const lines = [`${where}: ${f.severity} ${f.code} ${f.kind}: ${f.message}`]
  for (const w of f.waiting) lines.push(`    ${w}`)
  if (f.trace.length > 0 || f.kind === 'deadlock' || f.kind === 'starved') {
    lines.push(f.trace.length === 0 ? '  trace: (the initial state)' : '  trace:')
    for (const s of f.trace) lines.push(`    ${String(s.n).padStart(3)}. ${s.peer} [${s.role}] ${s.action}${s.line === null ? '' : `   (line ${s.line})`}`)
  }
  lines.push(`  hint: ${f.hint}`)
  return lines
}

export function formatReport (r: VerifyReport, file: string): string {
  if (r.errors.length > 0) return r.errors.map(e => `${file}: error LCC079 ${e}`).join('\n') + '\n'
  const s = r.stats
  const roles = new Map<string, number>()
  for (const p of r.peers) roles.set(p.role, (roles.get(p.role) ?? 0) + 1)
  const out = [
    `peers: ${[...roles].map(([role, n]) => `${role}=${n}`).join(', ')} (${r.peers.map(p => p.name).join(', ')})`,
    `explored ${s.states} states, ${s.transitions} transitions, depth ${s.maxDepth}, heap ${s.heapMiB} MiB, ${s.elapsedMs} ms` +
      `${s.symmetry ? ', symmetry reduction on' : ''}${s.complete ? '' : ' (incomplete: bound reached)'}`,
  ]
  for (const f of r.findings) out.push('', ...findingText(f, file))
  const errors = r.findings.filter(f => f.severity === 'error').length
  const warnings = r.findings.length - errors
  out.push('', errors + warnings === 0 ? 'no problems found' : `${errors} error(s), ${warnings} warning(s)`)
  return out.join('\n') + '\n'
}
