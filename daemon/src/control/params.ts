// Checks the params of each method before a handler sees them. Unknown fields are refused, so a
// typo in a client shows up as an error rather than as a silently ignored option.
import { BadParamsError } from './errors.js'
import type { DrainParams, Method, SubscribeParams, UnsubscribeParams } from './protocol.js'

type Params = Record<string, unknown>

function only (method: string, p: Params, allowed: readonly string[]): void {
  const extra = Object.keys(p).filter(k => !allowed.includes(k))
  if (extra.length > 0) {
    throw new BadParamsError(method, `unknown field${extra.length > 1 ? 's' : ''} ${extra.map(e => `"${e.slice(0, 40)}"`).join(', ')}`, allowed.length === 0 ? `${method} takes no params` : `fields: ${allowed.join(', ')}`)
  }
}

function optional<T> (method: string, p: Params, field: string, type: 'string' | 'boolean' | 'number'): T | undefined {
  const v = p[field]
  if (v === undefined) return undefined
  if (typeof v !== type || (type === 'number' && !Number.isFinite(v))) {
    throw new BadParamsError(method, `"${field}" must be a ${type}`, `e.g. "${field}": ${type === 'string' ? '"..."' : type === 'boolean' ? 'true' : '60000'}`)
  }
  return v as T
}

const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T

export function checkSubscribe (p: Params): SubscribeParams {
  only('subscribe', p, ['text', 'path', 'name'])
  const text = optional<string>('subscribe', p, 'text', 'string')
  const path = optional<string>('subscribe', p, 'path', 'string')
  const name = optional<string>('subscribe', p, 'name', 'string')
  if ((text === undefined) === (path === undefined)) {
    throw new BadParamsError('subscribe', 'give exactly one of "text" (the IM) or "path" (a file the daemon can read)', 'parley subscribe FILE sends the text')
  }
  if (name !== undefined && !/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(name)) {
    throw new BadParamsError('subscribe', `"name" ${JSON.stringify(name.slice(0, 40))} is not an IM name`, 'a letter, then letters, digits, _ . or -, at most 64')
  }
  if (text === undefined && path !== undefined && !path.startsWith('/')) {
    throw new BadParamsError('subscribe', '"path" must be absolute', 'the daemon does not share the caller\'s working directory')
  }
  return defined({ text, path, name })
}

export function checkUnsubscribe (p: Params): UnsubscribeParams {
  only('unsubscribe', p, ['im'])
  const im = optional<string>('unsubscribe', p, 'im', 'string')
  if (im === undefined || im.length === 0) throw new BadParamsError('unsubscribe', '"im" is required', 'give the IM name or hash, as parley status lists them')
  return { im }
}

export function checkDrain (p: Params): DrainParams {
  only('drain', p, ['deadlineMs', 'dryRun', 'force', 'wait'])
  const deadlineMs = optional<number>('drain', p, 'deadlineMs', 'number')
  if (deadlineMs !== undefined && (deadlineMs <= 0 || !Number.isInteger(deadlineMs))) {
    throw new BadParamsError('drain', '"deadlineMs" must be a whole number above 0', 'e.g. "deadlineMs": 600000 for 10 minutes')
  }
  return defined({
    deadlineMs,
    dryRun: optional<boolean>('drain', p, 'dryRun', 'boolean'),
    force: optional<boolean>('drain', p, 'force', 'boolean'),
    wait: optional<boolean>('drain', p, 'wait', 'boolean'),
  })
}

export function checkNone (method: Method) {
  return (p: Params): Record<string, never> => { only(method, p, []); return {} }
}
