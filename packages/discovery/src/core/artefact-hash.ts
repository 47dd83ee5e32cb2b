import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { BadHashError } from '../errors.js'

/** The content address of an artefact: CIDv1, raw codec, sha2-256, base32 ("bafkrei..."). */
export async function artefactCid (bytes: Uint8Array): Promise<CID> {
  return CID.create(1, raw.code, await sha256.digest(bytes))
}

export function parseArtefactHash (hash: string): CID {
  let cid: CID
  try { cid = CID.parse(hash) } catch { throw new BadHashError(hash) }
  if (cid.version !== 1 || cid.code !== raw.code || cid.multihash.code !== sha256.code) throw new BadHashError(hash)
  return cid
}
