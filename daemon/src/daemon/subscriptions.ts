// The IMs this host subscribes to: the owner's allow rule, the checks an IM passes before the agent
// runs it, and the journal in the data dir that brings the subscriptions back after a restart.
import { createHash } from 'node:crypto'
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { checkText, roleName } from '@parley/lcc'
import { ControlError } from '../control/index.js'

export interface SubscriptionRecord { name: string, hash: string, text: string, since: string }

export const JOURNAL_FILE = 'subscriptions.json'

/** The content hash an owner allows an IM by: sha256 of its text, hex. */
export function imHash (text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

export class NotAllowedError extends ControlError {
  constructor (name: string, hash: string) {
    super('PARLEY_IM_NOT_ALLOWED', `this host's owner does not allow the IM ${name} (sha256 ${hash})`,
      `add --allow-im ${name} or --allow-im ${hash} to parleyd's configuration (allow-im in parley.yaml) and reload it (systemctl reload parleyd)`)
  }
}

export class InvalidImError extends ControlError {
  constructor (name: string, detail: string, hint: string) {
    super('PARLEY_IM_INVALID', `the IM ${name} does not check: ${detail}`, hint)
  }
}

export class NotSubscribedError extends ControlError {
  constructor (im: string, known: string[]) {
    super('PARLEY_NOT_SUBSCRIBED', `this host is not subscribed to ${im.slice(0, 80)}`, known.length === 0 ? 'it subscribes to nothing; parley status lists subscriptions' : `subscribed: ${known.join(', ')}`)
  }
}

export function isAllowed (allowIm: readonly string[], name: string, hash: string): boolean {
  return allowIm.includes(name) || allowIm.includes(hash)
}

/** Parses and checks an IM; returns the roles it defines, or throws PARLEY_IM_INVALID. */
export function checkIm (name: string, text: string): string[] {
  const { model, diagnostics } = checkText(text)
  const error = diagnostics.find(d => d.severity === 'error')
  if (error !== undefined) {
    const where = `${error.span.start.line}:${error.span.start.column}`
    throw new InvalidImError(name, `${where}: ${error.code} ${error.message}`, error.hint ?? `run parley im check on the file for every diagnostic`)
  }
  const roles = new Set<string>()
  for (const clause of model.clauses) {
    const r = roleName(clause.head)
    if (r !== null) roles.add(r)
  }
  if (roles.size === 0) throw new InvalidImError(name, 'it defines no role', 'an IM needs at least one clause a(role, Id) :: ...')
  return [...roles]
}

export class SubscriptionJournal {
  private readonly path: string

  constructor (dataDir: string) {
    this.path = join(dataDir, JOURNAL_FILE)
  }

  read (): SubscriptionRecord[] {
    let text: string
    try { text = readFileSync(this.path, 'utf8') } catch { return [] }
    const data = JSON.parse(text) as { subscriptions?: SubscriptionRecord[] }
    return (data.subscriptions ?? []).filter(s => typeof s.name === 'string' && typeof s.text === 'string')
  }

  /** Replaces the journal atomically (write then rename), so a crash leaves the old or the new. */
  write (records: readonly SubscriptionRecord[]): void {
    const tmp = `${this.path}.tmp`
    writeFileSync(tmp, JSON.stringify({ version: 1, subscriptions: records }, null, 2) + '\n', { mode: 0o600 })
    renameSync(tmp, this.path)
  }
}
