// pino JSON logs on stdout (journald takes them as they are). pino copies the level into a child
// when it is made, so a live level change (SIGHUP) walks every child made since, through onChild.
import { pino } from 'pino'
import type { DestinationStream, Logger } from 'pino'
import type { LogLevel } from '../config/index.js'

export interface DaemonLogging {
  logger: Logger
  setLevel: (level: LogLevel) => void
}

export function createLogging (level: LogLevel, destination?: DestinationStream): DaemonLogging {
  const children = new Set<WeakRef<Logger>>()
  const options = {
    level,
    base: { service: 'parleyd', pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    onChild: (child: Logger) => { children.add(new WeakRef(child)) },
  }
  const logger = destination === undefined ? pino(options, pino.destination({ fd: 1, sync: true })) : pino(options, destination)
  return {
    logger,
    setLevel: next => {
      logger.level = next
      for (const ref of children) {
        const child = ref.deref()
        if (child === undefined) children.delete(ref)
        else child.level = next
      }
    },
  }
}
