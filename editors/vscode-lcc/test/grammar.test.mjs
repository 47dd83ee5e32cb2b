// The TextMate grammar's regexes compile as JavaScript regexes (the subset they share with
// Oniguruma), and a small tokeniser that follows TextMate's rule (earliest match wins, ties go to
// the first pattern) gives the expected scopes on lines from the papers' IMs.
// Run: node --test editors/vscode-lcc/test/
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'

const grammar = JSON.parse(readFileSync(new URL('../syntaxes/lcc.tmLanguage.json', import.meta.url), 'utf8'))

/** Top-level patterns with includes resolved, in order. */
function flatten (patterns) {
  return patterns.flatMap(p => p.include ? flatten([grammar.repository[p.include.slice(1)]]) : (p.match ?? p.begin) !== undefined ? [p] : flatten(p.patterns))
}
const rules = flatten(grammar.patterns)

/** Tokens of one line as [text, scope] pairs; whitespace is skipped. */
function tokenise (line) {
  const out = []
  let pos = 0
  while (pos < line.length) {
    let best = null
    for (const rule of rules) {
      const re = new RegExp(rule.match ?? rule.begin, 'gu')
      re.lastIndex = pos
      const m = re.exec(line)
      if (m && (best === null || m.index < best.m.index)) best = { rule, m }
    }
    if (best === null) break
    const { rule, m } = best
    let end = m.index + m[0].length
    if (rule.begin) {
      const close = new RegExp(rule.end, 'gu')
      close.lastIndex = end
      const e = close.exec(line)
      end = e ? e.index + e[0].length : line.length
      out.push([line.slice(m.index, end), rule.name])
    } else if (rule.captures) {
      let at = m.index
      for (let i = 1; i < m.length; i++) {
        if (m[i] === undefined) continue
        const start = line.indexOf(m[i], at)
        out.push([m[i], rule.captures[i]?.name])
        at = start + m[i].length
      }
    } else out.push([m[0], rule.name])
    pos = Math.max(end, pos + 1)
  }
  return out
}

const scopeOf = (tokens, text) => tokens.find(([t]) => t === text)?.[1]

test('grammar: every match, begin and end compiles as a JavaScript regex', () => {
  const all = JSON.stringify(grammar)
  const sources = [...all.matchAll(/"(match|begin|end)":\s*("(?:[^"\\]|\\.)*")/g)].map(m => JSON.parse(m[2]))
  assert.ok(sources.length >= 20)
  for (const s of sources) assert.doesNotThrow(() => new RegExp(s, 'u'), s)
  assert.equal(grammar.scopeName, 'source.lcc')
})

test('grammar: a clause head', () => {
  const t = tokenise('a(overloaded(Need), ID1) ::')
  assert.equal(scopeOf(t, 'a'), 'keyword.other.role.lcc')
  assert.equal(scopeOf(t, 'overloaded'), 'entity.name.function.clause.lcc')
  assert.equal(scopeOf(t, 'Need'), 'variable.other.lcc')
  assert.equal(scopeOf(t, 'ID1'), 'variable.other.lcc')
  assert.equal(scopeOf(t, '::'), 'keyword.operator.definition.lcc')
})

test('grammar: a send with ASCII arrows, a role reference and then', () => {
  const t = tokenise('  migration(ok) => a(overloaded, ID1) <- isMigrationPossible(Capacity, Need) then')
  assert.equal(scopeOf(t, 'migration'), 'entity.name.function.term.lcc')
  assert.equal(scopeOf(t, 'ok'), 'constant.other.atom.lcc')
  assert.equal(scopeOf(t, '=>'), 'keyword.operator.message.send.lcc')
  assert.equal(scopeOf(t, 'overloaded'), 'entity.name.type.role.lcc')
  assert.equal(scopeOf(t, '<-'), 'keyword.operator.conditional.lcc')
  assert.equal(scopeOf(t, 'isMigrationPossible'), 'entity.name.function.term.lcc')
  assert.equal(scopeOf(t, 'then'), 'keyword.control.combinator.lcc')
})

test('grammar: the papers\' Unicode arrows, strings and numbers', () => {
  const t = tokenise('migration("ok") ≤ a(underloaded , PID2) then null ← sleep(5000) ⇒ x ⇐ y')
  assert.equal(scopeOf(t, '"ok"'), 'string.quoted.double.lcc')
  assert.equal(scopeOf(t, '≤'), 'keyword.operator.message.receive.lcc')
  assert.equal(scopeOf(t, '←'), 'keyword.operator.conditional.lcc')
  assert.equal(scopeOf(t, '⇒'), 'keyword.operator.message.send.lcc')
  assert.equal(scopeOf(t, '⇐'), 'keyword.operator.message.receive.lcc')
  assert.equal(scopeOf(t, 'null'), 'constant.language.null.lcc')
  assert.equal(scopeOf(t, '5000'), 'constant.numeric.lcc')
})

test('grammar: comments, role declarations, keywords, comparisons', () => {
  assert.deepEqual(tokenise('null <- isOverLoaded() // if the peer is overloaded').at(-1), ['// if the peer is overloaded', 'comment.line.double-slash.lcc'])
  assert.deepEqual(tokenise('/* a block */ or')[0], ['/* a block */', 'comment.block.lcc'])
  const d = tokenise('r(underloaded, necessary, 2)')
  assert.equal(scopeOf(d, 'r'), 'keyword.other.declaration.role.lcc')
  assert.equal(scopeOf(d, 'necessary'), 'storage.modifier.role-mode.lcc')
  const c = tokenise('null <- X =< Y and not Z == 1 or W <= a(r, _)')
  assert.equal(scopeOf(c, '=<'), 'keyword.operator.comparison.lcc')
  assert.equal(scopeOf(c, 'and'), 'keyword.operator.logical.lcc')
  assert.equal(scopeOf(c, 'not'), 'keyword.operator.logical.lcc')
  assert.equal(scopeOf(c, '=='), 'keyword.operator.comparison.lcc')
  assert.equal(scopeOf(c, 'or'), 'keyword.control.combinator.lcc')
  assert.equal(scopeOf(c, '<='), 'keyword.operator.message.receive.lcc')
  assert.equal(scopeOf(c, '_'), 'variable.other.lcc')
})

test('extension manifest: contributes the lcc language for .lcc with this grammar and configuration', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  assert.deepEqual(pkg.contributes.languages[0].extensions, ['.lcc'])
  assert.equal(pkg.contributes.grammars[0].path, './syntaxes/lcc.tmLanguage.json')
  assert.equal(pkg.main, './extension.js')
  const conf = JSON.parse(readFileSync(new URL('../language-configuration.json', import.meta.url), 'utf8'))
  assert.equal(conf.comments.lineComment, '//')
  assert.deepEqual(conf.comments.blockComment, ['/*', '*/'])
  const ext = readFileSync(new URL('../extension.js', import.meta.url), 'utf8')
  assert.match(ext, /'im', 'check', '--json'/)
})
