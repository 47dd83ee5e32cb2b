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
 * every progressIntervalMs of clock time. Ownership moves in one synchronous step at the end
 * (commit on the peer, hand-over on the source), so no caller ever sees the domain on both hosts
 * or on neither; any failure before that step drops the peer's incoming copy and leaves it here.
 */
export async function runMemoryMigration (run: MemoryMigrationRun): Promise<MigrationResult> {
  const { domain: d, peerUri, peer, options, clock } = run
  if (!(run.bandwidthMiBs > 0)) throw new MigrationFailedError(d.name, peerUri, `bandwidth must be > 0 MiB/s, got ${run.bandwidthMiBs}`, 'source')
  if (peer === undefined) {
    throw new PeerUnreachableError(peerUri, peerUri === run.source.migrationUri ? 'it is this host' : 'no host answers at this URI')
  }
  const aborted = (): boolean => options.signal?.aborted === true
  if (aborted()) throw new MigrationAbortedError(d.name, peerUri)
  try {
    peer.prepareIncoming(snapshot(d))
  } catch (err) {
    if (err instanceof PeerUnreachableError) throw err
    throw new MigrationFailedError(d.name, peerUri, err instanceof Error ? err.message : String(err), 'source', { cause: err })
  }
  d.migrating = 'out'
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
      peer.checkIncoming(d.name, processed / totalBytes)
      if (d.state !== 'running') throw new MigrationFailedError(d.name, peerUri, `domain became ${d.state} on the source`, 'source')
      options.onProgress?.({ processedBytes: processed, remainingBytes: totalBytes - processed, totalBytes, elapsedMs })
    }
    if (aborted()) throw options.signal?.reason
  } catch (err) {
    delete d.migrating
    peer.dropIncoming(d.name)
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
  delete d.migrating
  peer.commitIncoming(snapshot(d))
  run.source.handOver(d)
  const elapsedMs = clock.now() - start
  log.info({ elapsedMs }, 'migration completed')
  return { domain: d.name, uuid: d.uuid, from: run.source.migrationUri, location: peerUri, elapsedMs, bytes: totalBytes }
}
