// `draw(model, options)`: the role state diagram or the message sequence diagram of an IM, as
// Mermaid text or as a standalone SVG.
import type { ModelNode } from '../ast.js'
import type { PeerGroup } from '../verify/peers.js'
import { compile } from '../verify/program.js'
import { parsePeers } from '../verify/peers.js'
import { roleGraph } from './role-graph.js'
import { scenarios } from './scenarios.js'
import { sequenceMermaid } from './sequence-mermaid.js'
import { sequenceOf } from './sequence-model.js'
import { sequenceSvg } from './sequence-svg.js'
import { statesMermaid } from './states-mermaid.js'
import { statesSvg } from './states-svg.js'

export type DrawKind = 'states' | 'sequence'
export type DrawFormat = 'mermaid' | 'svg'

export interface DrawOptions {
  readonly kind: DrawKind
  readonly format: DrawFormat
  /** Peers for the sequence diagram's scenarios, `role=N,...`; default as for verify. */
  readonly peers?: string
  readonly title?: string
}

/** The diagram text, or an error message for bad options. */
export function draw (model: ModelNode, options: DrawOptions): { text: string } | { error: string } {
  const title = options.title ?? (options.kind === 'states' ? 'role state diagram' : 'message sequence diagram')
  if (options.kind === 'states') {
    const g = roleGraph(model)
    return { text: options.format === 'svg' ? statesSvg(g, title) : statesMermaid(g) }
  }
  let groups: PeerGroup[] | undefined
  if (options.peers !== undefined) {
    const parsed = parsePeers(options.peers, compile(model))
    if (typeof parsed === 'string') return { error: parsed }
    groups = parsed
  }
  const s = scenarios(model, groups === undefined ? {} : { groups })
  if (s.runs.length === 0) return { error: 'no run of the IM exchanges a message: nothing to draw (try --peers)' }
  const seq = sequenceOf(s)
  return { text: options.format === 'svg' ? sequenceSvg(seq, title) : sequenceMermaid(seq) }
}
