// Golden files: for every fixture and every ims/*.lcc, the diagnostics (as `parley im check`
// prints them, without the file name) and the formatted text. UPDATE_GOLDEN=1 rewrites them.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { checkText } from '../src/check/index.js'
import { format } from '../src/syntax/index.js'
import { allFixtures, goldenDir } from './syntax-fixtures.js'

const update = process.env.UPDATE_GOLDEN === '1'

function compare (path: string, actual: string | null): void {
  if (update) {
    mkdirSync(dirname(path), { recursive: true })
    if (actual === null) rmSync(path, { force: true })
    else writeFileSync(path, actual)
    return
  }
  if (actual === null) {
    assert.ok(!existsSync(path), `${path} should not exist (the fixture has syntax errors); run with UPDATE_GOLDEN=1`)
    return
  }
  assert.ok(existsSync(path), `missing golden file ${path}; run the test with UPDATE_GOLDEN=1 and review the result`)
  assert.equal(actual, readFileSync(path, 'utf8'), `${path} differs; if the change is intended, run with UPDATE_GOLDEN=1`)
}

for (const f of allFixtures()) {
  test(`golden: ${f.name}`, () => {
    const { model, diagnostics } = checkText(f.text)
    const lines = diagnostics.map(d => {
      const head = `${d.span.start.line}:${d.span.start.column}: ${d.severity} ${d.code}: ${d.message}`
      return d.hint === undefined ? head : `${head}\n  hint: ${d.hint}`
    })
    compare(join(goldenDir, `${f.name}.diagnostics.txt`), lines.map(l => l + '\n').join(''))
    const broken = diagnostics.some(d => d.severity === 'error' && d.code < 'LCC020')
    compare(join(goldenDir, `${f.name}.formatted.txt`), broken ? null : format(model))
  })
}
