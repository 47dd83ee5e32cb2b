import { ErrorCode, LibvirtError, open, type Connection, type Domain, type JobStats, type MigrateParams } from '@parley/libvirt'
import type { Logger } from 'pino'
import type { Clock } from '../clock.js'
import { MigrationAbortedError, MigrationFailedError, PeerUnreachableError, type DomainLocation } from '../errors.js'
import type { MigrateOptions, MigrationProgress, MigrationResult } from '../hypervisor.js'

export interface LibvirtMigrationRun {
  conn: Connection
  domain: Domain
  fromUri: string
  peerUri: string
  options: MigrateOptions
  clock: Clock
  log: Logger
}

// The source cannot reach the destination's libvirtd (refused, no route, DNS, auth).
const UNREACHABLE = /unable to connect|connection refused|no route to host|name or service not known|could not resolve|authentication failed|failed to connect/i

function progressOf (js: JobStats): MigrationProgress | null {
  if (js.type !== 'unbounded' && js.type !== 'bounded') return null
  const total = js.dataTotal ?? js.memTotal
  if (total === undefined || total <= 0) return null
  return {
    processedBytes: js.dataProcessed ?? js.memProcessed ?? 0,
    remainingBytes: js.dataRemaining ?? js.memRemaining ?? 0,
    totalBytes: total,
    elapsedMs: js.timeElapsedMs ?? 0
  }
}

/** Where the domain is after a failed migration: asks the source, then the destination. */
async function locate (run: LibvirtMigrationRun): Promise<DomainLocation> {
  try {
    const d = await run.conn.lookupDomainByUUID(run.domain.uuid)
    if (await d.isActive()) return 'source'
  } catch (err) {
    if (!(err instanceof LibvirtError && err.code === ErrorCode.NO_DOMAIN)) return 'unknown'
  }
  let peer: Connection | undefined
  try {
    peer = await open(run.peerUri)
    const d = await peer.lookupDomainByUUID(run.domain.uuid)
    return (await d.isActive()) ? 'destination' : 'unknown'
  } catch {
    return 'unknown'
  } finally {
    await peer?.close().catch(() => {})
  }
}

/**
 * Peer-to-peer live migration (the source libvirtd connects to peerUri), persistent on the
 * destination, undefined here on success. Progress comes from polling the job; abort cancels it.
 */
export async function runLibvirtMigration (run: LibvirtMigrationRun): Promise<MigrationResult> {
  const { domain, peerUri, options, clock } = run
  const log = run.log.child({ domain: domain.name, peer: peerUri })
  const params: MigrateParams = {}
  if (options.bandwidthMiBs !== undefined) params.bandwidthMiBs = options.bandwidthMiBs
  if (options.dataUri !== undefined) params.destUri = options.dataUri
  const start = clock.now()
  let settled = false
  const job = domain.migrate(peerUri, params, { live: true, peer2peer: true, persistDest: true, undefineSource: true, abortOnError: true })
    .finally(() => { settled = true })
  job.catch(() => {}) // observed below; never an unhandled rejection while we poll

  // The job may not exist yet when abort arrives: keep asking until the migration settles.
  const abortJob = async (): Promise<void> => {
    while (!settled) {
      try { await domain.abortJob(); return } catch { await clock.sleep(50).catch(() => {}) }
    }
  }
  const onAbort = (): void => { log.info('aborting migration'); void abortJob() }
  options.signal?.addEventListener('abort', onAbort, { once: true })
  log.info({ bandwidthMiBs: options.bandwidthMiBs ?? null }, 'migration started')

  let bytes = 0
  const interval = Math.max(20, options.progressIntervalMs ?? 250)
  const poller = (async () => {
    while (!settled) {
      await Promise.race([clock.sleep(interval), job.catch(() => {})])
      if (settled) break
      try {
        const p = progressOf(await domain.getJobStats())
        if (p !== null && !settled) { bytes = p.totalBytes; options.onProgress?.(p) }
      } catch (err) {
        log.debug({ err }, 'job stats unavailable')
      }
    }
  })()

  try {
    await job
    await poller
  } catch (err) {
    await poller
    const location = await locate(run)
    log.warn({ err, location }, 'migration failed')
    const cause = { cause: err }
    if (options.signal?.aborted === true || (err instanceof LibvirtError && err.code === ErrorCode.OPERATION_ABORTED)) {
      if (location === 'source') throw new MigrationAbortedError(domain.name, peerUri, cause)
      throw new MigrationFailedError(domain.name, peerUri, 'aborted, but the domain is not running on the source', location, cause)
    }
    const message = err instanceof Error ? err.message : String(err)
    if (location === 'source' && err instanceof LibvirtError && UNREACHABLE.test(message)) throw new PeerUnreachableError(peerUri, message, cause)
    throw new MigrationFailedError(domain.name, peerUri, message, location, cause)
  } finally {
    options.signal?.removeEventListener('abort', onAbort)
  }
  try {
    const done = progressOf({ ...(await domain.getJobStats({ completed: true })), type: 'bounded' })
    if (done !== null) bytes = done.processedBytes
  } catch { /* the completed-job record is best effort */ }
  const elapsedMs = clock.now() - start
  log.info({ elapsedMs, bytes }, 'migration completed')
  return { domain: domain.name, uuid: domain.uuid, from: run.fromUri, location: peerUri, elapsedMs, bytes }
}
