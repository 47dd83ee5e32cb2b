// Test doubles for the balance policy's constraints: each host has a load state; the doubles
// answer from it and record every call, as a real component would answer from the hypervisor.
import { ConstraintRegistry } from '../src/run/index.js'
import type { ConstraintCall } from '../src/run/index.js'
import { deref, num, termToString } from '../src/terms/index.js'
import type { Term } from '../src/terms/index.js'

export type LoadState = 'over' | 'under' | 'balanced'

export interface HostDouble {
  state: LoadState
  /** What getPeerState reports: the load to shed when over, the free capacity when under. */
  status: number
  /** After refusing a transfer once, report balanced (the host is full). */
  fullAfterRefusal?: boolean
}

export class BalanceWorld {
  readonly calls: string[] = []
  readonly migrations: Array<[string, string]> = []
  constructor (readonly hosts: Record<string, HostDouble>) {}

  private host (call: ConstraintCall): HostDouble {
    const h = this.hosts[call.peer]
    if (h === undefined) throw new Error(`no double for ${call.peer}`)
    return h
  }

  private log (call: ConstraintCall): void {
    this.calls.push(`${call.peer}/${call.role} ${call.name}(${call.args.map(termToString).join(', ')})`)
  }

  /** The registry a host's constraint component would offer. */
  registry (): ConstraintRegistry {
    const value = (t: Term): number => { const d = deref(t); if (d.kind !== 'num') throw new Error(`not a number: ${termToString(d)}`); return d.value }
    return new ConstraintRegistry({
      'getPeerState/1': (_args, call) => [num(this.host(call).status)],
      'isOverLoaded/0': (_args, call) => this.host(call).state === 'over',
      'isUnderLoaded/0': (_args, call) => this.host(call).state === 'under',
      'isMigrationPossible/2': (args, call) => {
        this.log(call)
        const ok = value(args[0] as Term) >= value(args[1] as Term)
        const h = this.host(call)
        if (!ok && h.fullAfterRefusal === true) h.state = 'balanced'
        return ok
      },
      'migration/2': (args, call) => {
        this.log(call)
        const [from, to] = args.map(a => termToString(a)) as [string, string]
        this.migrations.push([from, to])
        for (const id of [from, to]) {
          const h = this.hosts[id]
          if (h !== undefined) { h.state = 'balanced'; h.status = 0 }
        }
        return true
      },
      // Holds once the partner has carried out the migration into this host.
      'waitForMigration/0': (_args, call) => {
        const done = this.migrations.some(([, to]) => to === call.peer)
        if (done) this.log(call)
        return done
      },
      // Relief and absorption (a balanced host offering or taking load) are not modelled here.
      'canRelieve/2': () => false,
      'canAbsorb/1': () => false,
      // The way back to idle: holds while no other host is in the state of the awaited role.
      'noPartner/1': (args, call) => {
        const want = termToString(args[0] as Term) === 'underloaded' ? 'under' : 'over'
        return !Object.entries(this.hosts).some(([id, h]) => id !== call.peer && h.state === want)
      }
    })
  }
}
