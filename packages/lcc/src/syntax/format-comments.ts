// Where comments go when a model is printed back. A comment on the line where a step (or clause
// head, or role declaration) ends, or inside it, trails that anchor; any other comment leads the
// next anchor; comments after the last anchor close the file.
import type { CommentNode, DefNode, ModelNode, Node } from '../ast.js'

export interface Attached {
  leading: Map<Node, CommentNode[]>
  trailing: Map<Node, CommentNode[]>
  end: CommentNode[]
  /** Comments followed by a blank line in the source; the printer keeps that blank line. */
  blankAfter: Set<CommentNode>
}

function collectSteps (def: DefNode, out: Node[]): void {
  switch (def.kind) {
    case 'then': for (const s of def.steps) collectSteps(s, out); break
    case 'choice': case 'par': for (const b of def.branches) collectSteps(b, out); break
    default: out.push(def)
  }
}

export function anchorsOf (model: ModelNode): Node[] {
  const anchors: Node[] = [...model.roles]
  for (const c of model.clauses) {
    anchors.push(c.head)
    collectSteps(c.body, anchors)
  }
  return anchors.sort((a, b) => a.span.start.offset - b.span.start.offset)
}

export function attachComments (model: ModelNode): Attached {
  const anchors = anchorsOf(model)
  const out: Attached = { leading: new Map(), trailing: new Map(), end: [], blankAfter: new Set() }
  const add = (map: Map<Node, CommentNode[]>, n: Node, c: CommentNode): void => {
    const list = map.get(n)
    if (list === undefined) map.set(n, [c])
    else list.push(c)
  }
  const comments = [...model.comments].sort((a, b) => a.span.start.offset - b.span.start.offset)
  let k = 0 // the first anchor starting after the current comment
  comments.forEach((c, i) => {
    while (k < anchors.length && anchors[k]!.span.start.offset <= c.span.start.offset) k++
    const before = anchors[k - 1]
    const after = anchors[k]
    if (before !== undefined && (before.span.end.line === c.span.start.line || c.span.start.offset < before.span.end.offset)) {
      add(out.trailing, before, c)
      return
    }
    if (after === undefined) out.end.push(c)
    else add(out.leading, after, c)
    const nextStart = Math.min(comments[i + 1]?.span.start.line ?? Infinity, after?.span.start.line ?? Infinity)
    if (nextStart !== Infinity && nextStart > c.span.end.line + 1) out.blankAfter.add(c)
  })
  return out
}

export function commentText (c: CommentNode): string {
  return c.block ? `/*${c.text}*/` : `//${c.text}`
}
