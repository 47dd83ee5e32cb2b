/** A point in source text. `line` and `column` start at 1; `offset` counts UTF-16 units from 0. */
export interface Position { offset: number, line: number, column: number }

/** The source range a node or diagnostic covers: `start` inclusive, `end` exclusive. */
export interface Span { start: Position, end: Position }

export function spanOf (start: Span, end: Span): Span {
  return { start: start.start, end: end.end }
}
