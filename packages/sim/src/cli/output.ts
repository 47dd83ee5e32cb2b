// What the program prints: progress on stderr (a bar on a terminal, about twenty JSON lines
// otherwise), the summary of a run, and the verdict of a replay.
import type { SimProgress } from '../simulate.js'
import type { SimReport } from '../report.js'
import type { CliIo } from './io.js'

export function progressPrinter (io: CliIo): { onProgress: (p: SimProgress) => void, done: () => void } {
  let last = -1
  let lastBuilt = 0
  const line = (p: SimProgress): void => { io.err(JSON.stringify({ event: 'sim.progress', ...p, wallMs: Math.round(p.wallMs) }) + '\n') }
  return {
    onProgress: (p) => {
      if (p.stage === 'setup') {
        if (io.errIsTty) io.err(`\rbuilding hosts ${p.hostsBuilt}  ${(p.wallMs / 1000).toFixed(1)} s`)
        else if (p.hostsBuilt - lastBuilt >= 1024) { lastBuilt = p.hostsBuilt; line(p) }
        return
      }
      if (io.errIsTty) {
        const width = 30
        const filled = Math.round(width * p.round / p.rounds)
        io.err(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] round ${p.round}/${p.rounds}  migrations ${p.migrations}  out of band ${p.outOfBand}  ${(p.wallMs / 1000).toFixed(1)} s`)
      } else {
        const step = Math.max(1, Math.floor(p.rounds / 20))
        if (p.round === p.rounds || p.round - last >= step) { last = p.round; line(p) }
      }
    },
    done: () => { if (io.errIsTty) io.err('\n') }
  }
}

export function summary (r: SimReport, replayCmd: string): string {
  const e = r.efficacy
  const g = r.baseline.greedy
  const lines = [
    `parley sim: ${r.hosts.length} hosts, ${r.vms.length} VMs, policy ${r.policy.file}, seed ${r.seed}, ${r.rounds} rounds of ${r.roundMs} ms, band ${r.band[0]}-${r.band[1]} % of mean`,
    `  migrations           ${e.migrations}   (greedy central balancer: ${g.migrations}, ${g.stopped}${e.migrationsVsGreedy === null ? '' : `; ratio ${e.migrationsVsGreedy}`})`,
    `  hosts out of band    ${e.outOfBandBefore} -> ${e.outOfBandAfter}   (greedy: ${g.outOfBand})`,
    `  load std dev         ${e.stddevBefore} -> ${e.stddevAfter} % of mean`,
    `  active hosts         ${e.activeHostsBefore} -> ${e.activeHostsAfter}   (released ${e.hostsReleased}; first-fit decreasing needs ${r.baseline.ffd.hosts})`,
    `  agent events         interaction-started ${r.agentEvents.interactionsStarted}, -ended ${r.agentEvents.interactionsEnded}, -aborted ${r.agentEvents.interactionsAborted}; migration-failed ${r.agentEvents.migrationsFailed}`,
    `  messages             ${r.messages.total}   (${r.messages.perHost} per host; gossip ${r.messages.gossip}, requests ${r.messages.requests})`,
    `  wall time            ${(r.wallMs / 1000).toFixed(2)} s   peers built by ${r.agentFactory}`,
    `  replay               ${replayCmd}`
  ]
  return lines.join('\n') + '\n'
}
