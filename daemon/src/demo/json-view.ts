// Not on a terminal: one JSON object per line (type: start, load, migration, migration-failed,
// interaction-aborted, note, summary), for scripts and tests.
import type { DemoView } from './view.js'

export function jsonView (write: (line: string) => void): DemoView {
  const out = (o: Record<string, unknown>): void => { write(JSON.stringify(o) + '\n') }
  return {
    started: info => { out({ type: 'start', ...info }) },
    frame: s => { out({ type: 'load', ...s }) },
    event: e => { out({ ...e }) },
    note: text => { out({ type: 'note', text }) },
    finished: s => { out({ type: 'summary', ...s }) },
  }
}
