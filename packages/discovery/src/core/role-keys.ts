import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { InvalidArgumentError } from '../errors.js'

const NAME = /^[A-Za-z0-9_.:+=-]{1,256}$/

/** IM hashes and role names end up in DHT keys and topic names: keep them to a safe alphabet. */
export function checkRoleRef (imHash: string, role: string): void {
  if (!NAME.test(imHash)) {
    throw new InvalidArgumentError(`invalid IM hash "${imHash.slice(0, 80)}"`, 'an IM hash is 1-256 characters of [A-Za-z0-9_.:+=-]')
  }
  if (!NAME.test(role)) {
    throw new InvalidArgumentError(`invalid role name "${role.slice(0, 80)}"`, 'a role name is 1-256 characters of [A-Za-z0-9_.:+=-]')
  }
}

/** The DHT key of the stable fact "this host can play <role> of <imHash>". */
export async function roleKey (imHash: string, role: string): Promise<CID> {
  checkRoleRef(imHash, role)
  const digest = await sha256.digest(new TextEncoder().encode(`parley/${imHash}/${role}`))
  return CID.create(1, raw.code, digest)
}

/** The gossip topic on which the roles of one IM are announced. */
export function imTopic (imHash: string): string {
  return `/parley/im/${imHash}/roles/1`
}

/** The DHT key under which every host following an IM's topic provides, so followers find each other. */
export async function topicKey (imHash: string): Promise<CID> {
  checkRoleRef(imHash, 'topic')
  const digest = await sha256.digest(new TextEncoder().encode(`parley/${imHash}#topic`))
  return CID.create(1, raw.code, digest)
}
