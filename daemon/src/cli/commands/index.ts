// Every command of the parley CLI. To add one, write commands/<name>.ts exporting a CommandModule
// and add it to this list.
import type { CommandModule } from '../command-module.js'
import { imCheck } from './im-check.js'
import { imFmt } from './im-fmt.js'
import { imVerify } from './im-verify.js'
import { status } from './status.js'
import { peers } from './peers.js'
import { vms } from './vms.js'
import { subscribe } from './subscribe.js'
import { unsubscribe } from './unsubscribe.js'
import { drain } from './drain.js'
import { uncordon } from './uncordon.js'
import { pskNew } from './psk.js'
import { imDraw } from './im-draw.js'
import { sim } from './sim.js'

export const commands: readonly CommandModule[] = [
  imCheck,
  imFmt,
  imVerify,
  imDraw,
  status,
  peers,
  vms,
  subscribe,
  unsubscribe,
  drain,
  uncordon,
  pskNew,
  sim,
]
