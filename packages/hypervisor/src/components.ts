import type { Logger } from 'pino'
import type { Clock } from './clock.js'

export interface HypervisorComponents {
  logger: Logger
  clock: Clock
}
