// Subscribing and unsubscribing the host: the owner's allow rule, the IM check, the agent, the journal.
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { BadParamsError, ControlError } from '../control/index.js'
import type { SubscribeParams, SubscribeResult, UnsubscribeResult } from '../control/index.js'
import type { Host } from './host.js'
import { checkIm, imHash, isAllowed, NotAllowedError, NotSubscribedError } from './subscriptions.js'

function readIm (path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (e) {
    throw new ControlError('PARLEY_IM_UNREADABLE', `parleyd cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'send the text instead (parley subscribe FILE does), or put the file where parleyd may read it')
  }
}

export async function subscribe (host: Host, params: SubscribeParams): Promise<SubscribeResult> {
  const text = params.text ?? readIm(params.path!)
  const fromPath = params.path === undefined ? undefined : basename(params.path).replace(/\.lcc$/, '')
  const name = params.name ?? fromPath
  if (name === undefined) throw new BadParamsError('subscribe', '"name" is required with "text"', 'give the IM a name, e.g. "name": "balance"')
  if (!/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(name)) throw new BadParamsError('subscribe', `the name ${JSON.stringify(name.slice(0, 40))} is not an IM name`, 'pass --name NAME: a letter, then letters, digits, _ . or -')
  const hash = imHash(text)
  if (!isAllowed(host.config().allowIm, name, hash)) throw new NotAllowedError(name, hash)
  const roles = checkIm(name, text)
  const existing = host.subscriptions.get(name)
  if (existing?.hash === hash) return { name, hash, roles, already: true }
  if (existing !== undefined) await host.agent.unsubscribe(name)
  try {
    await host.agent.subscribe(name, text)
  } catch (e) {
    // the new text was refused: keep running the old one rather than nothing
    if (existing !== undefined) await host.agent.subscribe(name, existing.text).catch(() => { host.subscriptions.delete(name) })
    throw e
  }
  host.subscriptions.set(name, { name, hash, text, since: new Date().toISOString() })
  host.journal.write([...host.subscriptions.values()])
  host.log.info({ im: name, hash, roles, replaced: existing?.hash ?? null }, 'subscribed')
  return { name, hash, roles, already: false }
}

export async function unsubscribe (host: Host, im: string): Promise<UnsubscribeResult> {
  const record = host.subscriptions.get(im) ?? [...host.subscriptions.values()].find(s => s.hash === im)
  if (record === undefined) throw new NotSubscribedError(im, [...host.subscriptions.keys()])
  await host.agent.unsubscribe(record.name)
  host.subscriptions.delete(record.name)
  host.journal.write([...host.subscriptions.values()])
  host.log.info({ im: record.name, hash: record.hash }, 'unsubscribed')
  return { name: record.name, hash: record.hash }
}

/** Drops subscriptions the owner no longer allows (after a reload). Returns their names. */
export async function enforceAllowRule (host: Host): Promise<string[]> {
  const dropped: string[] = []
  for (const s of [...host.subscriptions.values()]) {
    if (isAllowed(host.config().allowIm, s.name, s.hash)) continue
    await unsubscribe(host, s.name)
    host.log.warn({ im: s.name, hash: s.hash }, 'unsubscribed: the IM is no longer in allow-im')
    dropped.push(s.name)
  }
  return dropped
}

/** Brings back the journal's subscriptions at start; those no longer allowed or valid are skipped. */
export async function restoreSubscriptions (host: Host): Promise<void> {
  let records
  try {
    records = host.journal.read()
  } catch (err) {
    host.log.error({ err }, 'the subscription journal is unreadable; starting with no subscriptions')
    return
  }
  for (const r of records) {
    try {
      await subscribe(host, { text: r.text, name: r.name })
    } catch (err) {
      const e = err as ControlError
      host.log.warn({ im: r.name, code: e.code, reason: e.message }, 'a journaled subscription was not restored')
    }
  }
  // subscribe() rewrote the journal with what was restored; make it so even when nothing was.
  host.journal.write([...host.subscriptions.values()])
}
