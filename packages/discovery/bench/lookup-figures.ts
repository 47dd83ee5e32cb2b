/** The DHT-path figures of the lookup bench, from the lookups' results and query traces. */
import type { LookupResult } from './lookup-worker.js'
import { print, round, summary } from './stats.js'

export interface DhtLookup { result: LookupResult, wanted: string, full: boolean }

const mean = (xs: number[]): number => round(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length))
const p50 = (xs: number[]): number => summary(xs).p50

export function dhtFigures (lookups: DhtLookup[]): Record<string, unknown> {
  const ok = lookups.filter(l => l.result.error === null)
  const first = ok.filter(l => !l.full).map(l => l.result)
  const full = ok.filter(l => l.full).map(l => l.result)
  const traces = first.map(x => x.trace!)
  return {
    first: summary(first.map(x => x.ms)),
    full: summary(full.map(x => x.ms)),
    /** the tail's make-up: lookups that dialled a peer they had no connection to, and the others */
    firstWithDial: summary(first.filter(x => x.trace!.newDials > 0).map(x => x.ms)),
    firstNoDial: summary(first.filter(x => x.trace!.newDials === 0).map(x => x.ms)),
    requestsFirst: summary(traces.map(t => t.sends)),
    requestsFull: summary(full.map(x => x.trace!.sends)),
    newDialsPerLookup: mean(traces.map(t => t.newDials)),
    localHits: traces.filter(t => t.local).length,
    firstSendP50: p50(traces.flatMap(t => t.firstSend ?? [])),
    firstResponseP50: p50(traces.flatMap(t => t.firstResponse ?? [])),
    firstProviderP50: p50(traces.flatMap(t => t.firstProvider ?? [])),
    returnAfterProviderP50: p50(first.flatMap(x => x.trace!.firstProvider === null ? [] : [x.ms - x.trace!.firstProvider])),
    streamOpenReusedP50: p50(traces.flatMap(t => t.openReused)),
    streamOpenNewP50: p50(traces.flatMap(t => t.openNew)),
    answerP50: p50(traces.flatMap(t => t.answer)),
    misses: ok.filter(l => !l.result.found.includes(l.wanted)).length,
    errors: lookups.length - ok.length
  }
}

export function printDhtFigures (label: string, f: Record<string, any>, count: number): void {
  print(`DHT path${label}, first candidate (limit 1): latency ${JSON.stringify(f.first)} ms; DHT requests/lookup ${JSON.stringify(f.requestsFirst)}`)
  print(`DHT path${label}, first candidate, lookups that dialled a new connection: ${JSON.stringify(f.firstWithDial)} ms; the others: ${JSON.stringify(f.firstNoDial)} ms`)
  print(`DHT path${label}, full query (limit 20):     latency ${JSON.stringify(f.full)} ms; DHT requests/lookup ${JSON.stringify(f.requestsFull)}`)
  print(`DHT path${label}, where the time goes (limit 1, p50 ms): first request sent ${f.firstSendP50}, first answer ${f.firstResponseP50}, first provider ${f.firstProviderP50} (returned ${f.returnAfterProviderP50} later); stream open on a held connection ${f.streamOpenReusedP50}, with a new dial ${f.streamOpenNewP50} (${f.newDialsPerLookup} new dials/lookup); request -> answer ${f.answerP50}; ${f.localHits} answered from the seeker's own provider store`)
  print(`DHT path${label}: ${count} lookups, ${f.misses} did not return the advertiser, ${f.errors} failed`)
}
