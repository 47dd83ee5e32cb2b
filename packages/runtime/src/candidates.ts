// Reading what candidates and participants advertise: role names of role terms in lcc JSON, and
// the ranking of gossip candidates (most free capacity first).
import type { Announcement, Json } from '@parley/discovery'

export function roleNameOf (role: Json): string {
  if (typeof role === 'object' && role !== null && !Array.isArray(role)) {
    if (typeof role.a === 'string') return role.a
    if (typeof role.f === 'string') return role.f
  }
  return ''
}

export function capacityOf (a: Announcement): number {
  const args = a.args
  if (typeof args === 'object' && args !== null && !Array.isArray(args) && typeof args.capacity === 'number') return args.capacity
  return 0
}

/** Candidates with the most free capacity first. */
export function byCapacity (a: Announcement, b: Announcement): number {
  return capacityOf(b) - capacityOf(a) || b.receivedAt - a.receivedAt
}
