// The control methods of parleyd, as a table for the control server.
import { checkDrain, checkNone, checkSubscribe, checkUnsubscribe } from '../control/index.js'
import type { DrainParams, MethodHandler, MethodTable, SubscribeParams, UncordonResult, UnsubscribeParams } from '../control/index.js'
import type { Host } from './host.js'
import { subscribe, unsubscribe } from './subscribe.js'
import { peersView, statusView, vmsView } from './views.js'

const method = <P>(check: (p: Record<string, unknown>) => P, run: MethodHandler<P>['run']): MethodHandler<P> => ({ check, run })

export function controlMethods (host: Host): MethodTable {
  const counted = (table: MethodTable): MethodTable => Object.fromEntries(Object.entries(table).map(([name, h]) => [name, {
    check: h.check,
    run: async (p: unknown, ctx) => { host.counters.controlRequests++; return await h.run(p, ctx) },
  }]))
  return counted({
    status: method(checkNone('status'), async () => await statusView(host)),
    peers: method(checkNone('peers'), async () => peersView(host)),
    vms: method(checkNone('vms'), async () => await vmsView(host)),
    subscribe: method<SubscribeParams>(checkSubscribe, async p => await subscribe(host, p)),
    unsubscribe: method<UnsubscribeParams>(checkUnsubscribe, async p => await unsubscribe(host, p.im)),
    drain: method<DrainParams>(checkDrain, async (p, ctx) => await host.drain.drain(p, ctx.emit, ctx.signal)),
    uncordon: method(checkNone('uncordon'), async (): Promise<UncordonResult> => {
      const drainCancelled = host.drain.cancel('uncordoned before the host was empty')
      host.setCordoned(false)
      host.log.info({ drainCancelled }, 'uncordoned')
      return { cordoned: false, drainCancelled }
    }),
    watch: method(checkNone('watch'), async (_p, ctx) => {
      const offAgent = host.agent.on(e => { ctx.emit({ source: 'agent', ...e }) })
      const offHv = host.hypervisor.on(e => { ctx.emit({ source: 'hypervisor', ...e }) })
      await new Promise<void>(resolve => { ctx.signal.addEventListener('abort', () => { resolve() }, { once: true }) })
      offAgent()
      offHv()
      return null
    }),
  })
}
