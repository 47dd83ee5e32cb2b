// /parley/load/1 — one push-sum exchange for the cluster mean (see components/push-sum.ts):
//   {epoch, s, w, mins: number[16], peers: id[] (at most 4)}
//     -> {epoch, s, w, mins, peers}     the average both sides now hold, and a few peers to meet
//     -> {epoch, stale: true}           the responder is in a later epoch (or the initiator's is
//                                       too far ahead): nothing was mixed
// Bodies that do not match are answered DISC_SCHEMA_INVALID by discovery, never mixed in.
import type { Json, Validator } from '@parley/discovery'
import { epochOf, guard, peerIds } from './wire-read.js'
import type { Obj } from './wire-read.js'
import { SKETCH_SIZE } from './components/push-sum.js'
import type { ExchangeReply, Mass } from './components/push-sum.js'

export const LOAD_PROTOCOL = '/parley/load/1'

export type LoadExchangeRequest = Mass & { readonly peers: readonly string[] }
export type LoadExchangeReply = ExchangeReply & { readonly peers?: readonly string[] }

const MAX_PEERS = 4
/** Loads are at most 1,000 (cores used / host cores); a mass is a share of their sum. */
const MAX_S = 1e12
const MAX_W = 1e9

function num (o: Obj, k: string, min: number, max: number): number {
  const v = o[k]
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new Error(`$.${k} must be a number in [${min}, ${max}]`)
  return v
}

function mins (o: Obj): number[] {
  const v = o.mins
  if (!Array.isArray(v) || v.length !== SKETCH_SIZE) throw new Error(`$.mins must be an array of ${SKETCH_SIZE} numbers`)
  return v.map((x, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) throw new Error(`$.mins[${i}] must be a finite number >= 0`)
    return x
  })
}

export const validateLoadExchange: Validator<LoadExchangeRequest> = guard(o => ({
  epoch: epochOf(o), s: num(o, 's', -MAX_S, MAX_S), w: num(o, 'w', -MAX_W, MAX_W), mins: mins(o), peers: peerIds(o, 'peers', MAX_PEERS, true)
}))

export const validateLoadExchangeReply: Validator<LoadExchangeReply> = guard(o => {
  if (o.stale === true) return { epoch: epochOf(o), stale: true }
  return { epoch: epochOf(o), s: num(o, 's', -MAX_S, MAX_S), w: num(o, 'w', -MAX_W, MAX_W), mins: mins(o), peers: peerIds(o, 'peers', MAX_PEERS, true) }
})

export function exchangeJson (m: LoadExchangeRequest | LoadExchangeReply): Json {
  if ('stale' in m) return { epoch: m.epoch, stale: true }
  return { epoch: m.epoch, s: m.s, w: m.w, mins: [...m.mins], peers: [...(m.peers ?? [])] }
}
