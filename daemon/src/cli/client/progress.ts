// A one-line progress bar for terminals, redrawn in place with \r.
import type { CliIo } from '../context.js'

export interface ProgressBar {
  update: (done: number, total: number, failed: number) => void
  clear: () => void
  redraw: () => void
}

const WIDTH = 30

export function progressBar (io: CliIo, enabled: boolean): ProgressBar {
  let line = ''
  const draw = (): void => { if (enabled && line !== '') io.out(`\r${line}`) }
  return {
    update: (done, total, failed) => {
      const filled = total === 0 ? WIDTH : Math.round(WIDTH * done / total)
      line = `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${done}/${total} moved${failed > 0 ? `, ${failed} not placed` : ''}`
      draw()
    },
    clear: () => { if (enabled && line !== '') io.out(`\r${' '.repeat(line.length)}\r`) },
    redraw: draw,
  }
}
