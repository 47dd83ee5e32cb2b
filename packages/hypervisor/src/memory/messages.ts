// The messages of the memory+tcp migration protocol and their schema checks. One connection carries
// one migration: prepare, check*, then commit (answered by ack) or drop. A query on its own
// connection asks whether a domain is the destination's (used when a commit's ack was lost).
import { MigrationProtocolError } from '../errors.js'
import type { DomainHolding, IncomingDomain } from './fabric.js'

export const PROTOCOL_VERSION = 1

export type Request =
  | { v: 1, type: 'prepare', target: string, domain: IncomingDomain }
  | { v: 1, type: 'check', name: string, fraction: number }
  | { v: 1, type: 'commit', domain: IncomingDomain }
  | { v: 1, type: 'drop', name: string }
  | { v: 1, type: 'query', target: string, name: string, uuid: string }

export type Reply =
  | { v: 1, type: 'ok' }
  | { v: 1, type: 'ack' }
  | { v: 1, type: 'holding', holding: DomainHolding }
  | { v: 1, type: 'error', code: string, message: string }

type Obj = Record<string, unknown>

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const HOLDINGS: readonly string[] = ['owned', 'incoming', 'absent']

function fail (problem: string): never { throw new MigrationProtocolError(problem) }

function object (x: unknown, what: string): Obj {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) fail(`${what} is not a JSON object`)
  return x as Obj
}

function text (o: Obj, key: string, max = 256): string {
  const v = o[key]
  if (typeof v !== 'string' || v.length === 0 || v.length > max) fail(`"${key}" must be a string of 1..${max} characters`)
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(v)) fail(`"${key}" contains control characters`)
  return v
}

function count (o: Obj, key: string, min: number, integer: boolean): number {
  const v = o[key]
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (integer && !Number.isInteger(v))) {
    fail(`"${key}" must be ${integer ? 'an integer' : 'a number'} >= ${min}`)
  }
  return v
}

function envelope (x: unknown, what: string): Obj {
  const o = object(x, what)
  if (o.v !== PROTOCOL_VERSION) fail(`${what} has protocol version ${JSON.stringify(o.v)}, expected ${PROTOCOL_VERSION}`)
  if (typeof o.type !== 'string') fail(`${what} has no "type"`)
  return o
}

export function checkDomain (x: unknown): IncomingDomain {
  const o = object(x, '"domain"')
  const name = text(o, 'name')
  if (name.includes('/')) fail('"name" contains "/"')
  const uuid = text(o, 'uuid', 36)
  if (!UUID.test(uuid)) fail('"uuid" is not a UUID')
  const maxKiB = count(o, 'maxKiB', 1, true)
  const currentKiB = count(o, 'currentKiB', 0, false)
  if (currentKiB > maxKiB) fail('"currentKiB" exceeds "maxKiB"')
  const rssKiB = o.rssKiB === null ? null : count(o, 'rssKiB', 0, false)
  return {
    name, uuid, vcpus: count(o, 'vcpus', 1, true), maxKiB, currentKiB, rssKiB,
    cpuTimeNs: count(o, 'cpuTimeNs', 0, false), cpuDemand: count(o, 'cpuDemand', 0, false)
  }
}

/** Validates a request from a migration source; throws MigrationProtocolError. */
export function checkRequest (x: unknown): Request {
  const o = envelope(x, 'request')
  switch (o.type) {
    case 'prepare': return { v: 1, type: 'prepare', target: text(o, 'target'), domain: checkDomain(o.domain) }
    case 'check': {
      const fraction = count(o, 'fraction', 0, false)
      if (fraction > 1) fail('"fraction" must be in [0, 1]')
      return { v: 1, type: 'check', name: text(o, 'name'), fraction }
    }
    case 'commit': return { v: 1, type: 'commit', domain: checkDomain(o.domain) }
    case 'drop': return { v: 1, type: 'drop', name: text(o, 'name') }
    case 'query': return { v: 1, type: 'query', target: text(o, 'target'), name: text(o, 'name'), uuid: text(o, 'uuid', 36) }
    default: return fail(`unknown request type ${JSON.stringify(o.type).slice(0, 40)}`)
  }
}

/** Validates a reply from a migration destination; throws MigrationProtocolError. */
export function checkReply (x: unknown): Reply {
  const o = envelope(x, 'reply')
  switch (o.type) {
    case 'ok': return { v: 1, type: 'ok' }
    case 'ack': return { v: 1, type: 'ack' }
    case 'holding': {
      if (typeof o.holding !== 'string' || !HOLDINGS.includes(o.holding)) fail('"holding" must be owned, incoming or absent')
      return { v: 1, type: 'holding', holding: o.holding as DomainHolding }
    }
    case 'error': return { v: 1, type: 'error', code: text(o, 'code', 64), message: text(o, 'message', 2000) }
    default: return fail(`unknown reply type ${JSON.stringify(o.type).slice(0, 40)}`)
  }
}
