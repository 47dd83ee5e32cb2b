// /parley/pack/1 — one exchange of the consolidation's histogram gossip (packing-sum.ts):
//   {epoch, v: number[258], w, mins: number[32], empty: id[] (at most 8), peers: id[] (at most 4)}
//     -> {epoch, v, w, mins, empty, peers}   the average both sides now hold, and a few peers to meet
//     -> {epoch, stale: true}                the responder is in a later epoch, or the initiator's
//                                            is too far ahead: nothing was mixed
// Bodies that do not match are answered DISC_SCHEMA_INVALID by discovery, never mixed in.
import type { Json, Validator } from '@parley/discovery'
import { epochOf, guard, peerIds } from '../wire-read.js'
import type { Obj } from '../wire-read.js'
import { PACK_SKETCH, PACK_VECTOR, RESERVE_IDS } from './packing-sum.js'
import type { PackingMass, PackingReply } from './packing-sum.js'

export const PACK_PROTOCOL = '/parley/pack/1'

export type PackingRequest = PackingMass & { readonly peers: readonly string[] }
export type PackingReplyBody = PackingReply & { readonly peers?: readonly string[] }

const MAX_PEERS = 4
/** Cores and hosts of a cluster, and their shares: far below this. */
const MAX = 1e12

function numbers (o: Obj, k: string, length: number, min: number): number[] {
  const v = o[k]
  if (!Array.isArray(v) || v.length !== length) throw new Error(`$.${k} must be an array of ${length} numbers`)
  return v.map((x, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x) || x < min || x > MAX) throw new Error(`$.${k}[${i}] must be a number in [${min}, ${MAX}]`)
    return x
  })
}

function massOf (o: Obj): PackingMass {
  const w = o.w
  if (typeof w !== 'number' || !Number.isFinite(w) || w < -MAX || w > MAX) throw new Error(`$.w must be a number in [${-MAX}, ${MAX}]`)
  // a share may be negative: a host's own change goes into its share at once until the epoch mixed
  return { epoch: epochOf(o), v: numbers(o, 'v', PACK_VECTOR, -MAX), w, mins: numbers(o, 'mins', PACK_SKETCH, 0), empty: peerIds(o, 'empty', RESERVE_IDS, false).sort() }
}

export const validatePackingRequest: Validator<PackingRequest> = guard(o => ({ ...massOf(o), peers: peerIds(o, 'peers', MAX_PEERS, true) }))

export const validatePackingReply: Validator<PackingReplyBody> = guard(o => {
  if (o.stale === true) return { epoch: epochOf(o), stale: true }
  return { ...massOf(o), peers: peerIds(o, 'peers', MAX_PEERS, true) }
})

export function packingJson (m: PackingRequest | PackingReplyBody): Json {
  if ('stale' in m) return { epoch: m.epoch, stale: true }
  return { epoch: m.epoch, v: [...m.v], w: m.w, mins: [...m.mins], empty: [...m.empty], peers: [...(m.peers ?? [])] }
}
