// `--components FILE|LIST`: a file with one name/arity a line (# starts a comment), or a comma list.
import { existsSync } from 'node:fs'
import { componentSet } from '@parley/lcc'
import type { ComponentSet } from '@parley/lcc'
import { readText } from './context.js'
import { UsageError } from './usage-error.js'

const NAME_ARITY = /^[^\s/]+\/\d+$/

export function parseComponents (arg: string): ComponentSet {
  const fromFile = existsSync(arg)
  const text = fromFile ? readText(arg) : arg
  const keys = text.split(fromFile ? '\n' : ',')
    .map(line => line.replace(/#.*/, '').trim())
    .filter(line => line.length > 0)
  const bad = keys.find(k => !NAME_ARITY.test(k))
  if (bad !== undefined) {
    throw new UsageError('CLI005', `bad component ${JSON.stringify(bad)} in --components`, 'give name/arity entries, e.g. --components getPeerState/1,migration/2, or a file with one a line')
  }
  return componentSet(keys)
}
