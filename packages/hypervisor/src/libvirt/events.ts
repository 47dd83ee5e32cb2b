import type { LifecycleEvent } from '@parley/libvirt'
import type { HypervisorEvent } from '../hypervisor.js'

// virDomainEvent*DetailType values used below (libvirt-domain.h).
const STARTED_REASON = ['booted', 'migrated', 'restored', 'from-snapshot', 'wakeup'] as const
const STOPPED_REASON = ['shutdown', 'destroyed', 'crashed', 'migrated', 'saved', 'failed', 'from-snapshot'] as const
const SUSPENDED_REASON = ['paused', 'migrating', 'io-error', 'watchdog', 'restored', 'from-snapshot', 'api-error', 'postcopy', 'postcopy-failed'] as const
const RESUMED_REASON = ['unpaused', 'migrated', 'from-snapshot', 'postcopy', 'postcopy-failed'] as const
const MIGRATED = 1
const STOPPED_MIGRATED = 3

/**
 * Maps libvirt lifecycle events to ours. An incoming migration shows on the destination as
 * started(migrated) when it begins and resumed(migrated) when it completes; we report only the
 * completion, as 'migrated-in', and swallow the stop of an incoming copy that failed, so a
 * listener sees a domain arrive exactly when it becomes this host's.
 */
export class LifecycleMapper {
  private readonly incoming = new Set<string>()

  map (e: LifecycleEvent, atMs: number): HypervisorEvent | null {
    const base = { domain: e.domain, uuid: e.uuid, atMs }
    switch (e.event) {
      case 'started':
        if (e.detail === MIGRATED) { this.incoming.add(e.uuid); return null }
        return { ...base, type: 'started', reason: STARTED_REASON[e.detail] ?? `detail-${e.detail}` }
      case 'resumed':
        if (this.incoming.delete(e.uuid)) return { ...base, type: 'migrated-in' }
        return { ...base, type: 'resumed', reason: RESUMED_REASON[e.detail] ?? `detail-${e.detail}` }
      case 'stopped':
        if (this.incoming.delete(e.uuid)) return null
        if (e.detail === STOPPED_MIGRATED) return { ...base, type: 'migrated-out' }
        return { ...base, type: 'stopped', reason: STOPPED_REASON[e.detail] ?? `detail-${e.detail}` }
      case 'crashed':
        return { ...base, type: 'crashed' }
      case 'suspended':
        return { ...base, type: 'suspended', reason: SUSPENDED_REASON[e.detail] ?? `detail-${e.detail}` }
      case 'pmsuspended':
        return { ...base, type: 'suspended', reason: 'pm' }
      case 'defined':
        return { ...base, type: 'defined' }
      case 'undefined':
        return { ...base, type: 'undefined' }
      case 'shutdown': // the guest finished shutting down; 'stopped' follows
        return null
      default:
        return null
    }
  }

  /** True while an incoming migration of `uuid` is known to be under way. */
  isIncoming (uuid: string): boolean { return this.incoming.has(uuid) }
}
