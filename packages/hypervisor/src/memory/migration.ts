import type { Logger } from 'pino'
import type { Clock } from '../clock.js'
import { HypervisorError, MigrationAbortedError, MigrationFailedError, PeerUnreachableError } from '../errors.js'
import type { MigrateOptions, MigrationResult } from '../hypervisor.js'
import type { MemoryDomain } from './domain.js'
import type { IncomingDomain, MemoryPeer } from './fabric.js'

const MiB = 1024 * 1024

export interface MemoryMigrationSource {
  readonly migrationUri: string
  accrueNow (): void
  handOver (d: MemoryDomain): void
  park (d: MemoryDomain): void
}

export interface MemoryMigrationRun {
  source: MemoryMigrationSource
  domain: MemoryDomain
  peerUri: string
  peer: MemoryPeer | undefined
  options: MigrateOptions
  bandwidthMiBs: number
  clock: Clock
  log: Logger
}

function snapshot (d: MemoryDomain): IncomingDomain {
  return {
    name: d.name, uuid: d.uuid, vcpus: d.vcpus, maxKiB: d.maxKiB, currentKiB: d.currentKiB,
    rssKiB: d.rssKiB, cpuTimeNs: d.cpuTimeNs, cpuDemand: d.cpuDemand
  }
}

/**
 * Pre-copy of the guest's memory at `bandwidthMiBs` (time = memory / bandwidth), reporting progress
 * every progressIntervalMs of clock time. Any failure before the commit drops the peer's incoming
 * copy and leaves the domain here.
 * - In-process peers answer synchronously and nothing is awaited between their commit and the
 *   hand-over here, so no caller ever sees the domain on both hosts or on neither.
 * - A peer in another process (memory+tcp) commits, then acknowledges; the domain is handed over
 *   only after the acknowledgement. Until then it stays listed here as 'out' (owned), so for one
 *   round trip an observer sees it owned on both hosts (never on neither, never unflagged twice). If the
 *   acknowledgement never comes and the peer cannot say whether it committed, the commit throws
 *   with location 'unknown' and the copy here is kept paused: neither lost nor running twice.
 * An abort after the transfer finished is too late: the commit goes ahead.
 */
export async function runMemoryMigration (run: MemoryMigrationRun): Promise<MigrationResult> {
  const { domain: d, peerUri, peer, options, clock } = run
  if (!(run.bandwidthMiBs > 0)) throw new MigrationFailedError(d.name, peerUri, `bandwidth must be > 0 MiB/s, got ${run.bandwidthMiBs}`, 'source')
  if (peer === undefined) {
    throw new PeerUnreachableError(peerUri, peerUri === run.source.migrationUri ? 'it is this host' : 'no host answers at this URI')
  }
  const aborted = (): boolean => options.signal?.aborted === true
  if (aborted()) throw new MigrationAbortedError(d.name, peerUri)
  // claimed before the peer answers, so a second migrate() of this domain is refused meanwhile
  d.migrating = 'out'
  try {
    const prepared = peer.prepareIncoming(snapshot(d))
    if (prepared !== undefined) await prepared
  } catch (err) {
    delete d.migrating
    if (err instanceof PeerUnreachableError || err instanceof MigrationFailedError) throw err
    throw new MigrationFailedError(d.name, peerUri, err instanceof Error ? err.message : String(err), 'source', { cause: err })
  }
  const log = run.log.child({ domain: d.name, peer: peerUri })
  const totalBytes = d.maxKiB * 1024
  const bytesPerMs = run.bandwidthMiBs * MiB / 1000
  const interval = Math.max(1, options.progressIntervalMs ?? 250)
  const start = clock.now()
  log.info({ totalBytes, bandwidthMiBs: run.bandwidthMiBs }, 'migration started')
  try {
    let processed = 0
    while (processed < totalBytes) {
      const left = (totalBytes - processed) / bytesPerMs
      await clock.sleep(Math.min(interval, left), options.signal)
      const elapsedMs = clock.now() - start
      processed = Math.min(totalBytes, Math.floor(elapsedMs * bytesPerMs))
      if (processed < totalBytes && left <= interval) processed = totalBytes // the last step is exact
      const checked = peer.checkIncoming(d.name, processed / totalBytes)
      if (checked !== undefined) await checked
      if (d.state !== 'running') throw new MigrationFailedError(d.name, peerUri, `domain became ${d.state} on the source`, 'source')
      options.onProgress?.({ processedBytes: processed, remainingBytes: totalBytes - processed, totalBytes, elapsedMs })
    }
    if (aborted()) throw options.signal?.reason
  } catch (err) {
    delete d.migrating
    const dropped = peer.dropIncoming(d.name)
    if (dropped !== undefined) await dropped.catch(() => {})
    if (aborted()) {
      log.info('migration aborted')
      throw new MigrationAbortedError(d.name, peerUri, { cause: err })
    }
    log.warn({ err }, 'migration failed')
    if (err instanceof MigrationFailedError) throw err
    const reason = err instanceof HypervisorError ? err.message : String(err)
    throw new MigrationFailedError(d.name, peerUri, reason, 'source', { cause: err })
  }
  run.source.accrueNow()
  try {
    const committed = peer.commitIncoming(snapshot(d))
    if (committed !== undefined) await committed
  } catch (err) {
    delete d.migrating
    const location = err instanceof MigrationFailedError ? err.location : 'source'
    if (location === 'unknown') {
      run.source.park(d)
      log.error({ err }, 'migration outcome unknown: the destination did not acknowledge the commit; the copy here is paused')
    } else {
      log.warn({ err }, 'migration commit refused; the domain stays here')
    }
    if (err instanceof MigrationFailedError) throw err
    throw new MigrationFailedError(d.name, peerUri, err instanceof Error ? err.message : String(err), 'source', { cause: err })
  }
  delete d.migrating
  run.source.handOver(d)
  const elapsedMs = clock.now() - start
  log.info({ elapsedMs }, 'migration completed')
  return { domain: d.name, uuid: d.uuid, from: run.source.migrationUri, location: peerUri, elapsedMs, bytes: totalBytes }
}
