// Every command of the parley CLI. To add one, write commands/<name>.ts exporting a CommandModule
// and add it to this list.
import type { CommandModule } from '../command-module.js'
import { imCheck } from './im-check.js'
import { imFmt } from './im-fmt.js'
import { imVerify } from './im-verify.js'
import { imDraw } from './im-draw.js'

export const commands: readonly CommandModule[] = [
  imCheck,
  imFmt,
  imVerify,
  imDraw,
]
