// Who coordinates an interaction. The daemon hosting the initiating role decides, when a candidate
// is about to be invited: by default itself (the initiator), or by the rule the IM names in a
// comment line `// @parley coordinator: lowest-id` (or the subscription's `election` option):
// the lower peer id of initiator and candidate, compared as strings. Both ends can recompute it.
import type { ElectionRule } from './types.js'

export function electCoordinator (rule: ElectionRule, initiator: string, candidate: string): string {
  switch (rule) {
    case 'initiator': return initiator
    case 'lowest-id': return candidate < initiator ? candidate : initiator
  }
}
