import type { Artefacts } from './artefacts.js'
import type { Roles } from './roles.js'
import type { Discovery } from '../types.js'

type SharedMethods = Pick<Discovery, 'advertise' | 'withdraw' | 'findCandidates' | 'announcements' | 'follow' | 'publish' | 'fetch' | 'setTrustedKeys'>

/**
 * The part of the Discovery contract that both implementations serve from the same core objects:
 * role subscriptions and the artefact store, each refused once the node has stopped.
 */
export function sharedMethods (roles: Roles, artefacts: Artefacts, check: () => void): SharedMethods {
  return {
    advertise: async (imHash, role, args, options) => { check(); await roles.advertise(imHash, role, args, options) },
    withdraw: async (imHash, role) => { check(); await roles.withdraw(imHash, role) },
    findCandidates: async (imHash, role, options) => { check(); return await roles.findCandidates(imHash, role, options) },
    announcements: (imHash, role) => roles.announcements(imHash, role),
    follow: (imHash) => { check(); roles.follow(imHash) },

    publish: async (bytes, meta) => { check(); return await artefacts.publish(bytes, meta) },
    fetch: async (hash, options) => { check(); return await artefacts.fetch(hash, options) },
    setTrustedKeys: (keys) => { artefacts.setTrustedKeys(keys) }
  }
}
