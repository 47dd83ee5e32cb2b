// The standard process_* and nodejs_* metrics, read from node:process and /proc where it exists.
import { readdirSync, readFileSync } from 'node:fs'
import { counter, gauge } from './exposition.js'
import type { MetricFamily } from './exposition.js'

function openFds (): number | null {
  try { return readdirSync('/proc/self/fd').length } catch { return null }
}

function maxFds (): number | null {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find(l => l.startsWith('Max open files'))
    const soft = line?.split(/\s{2,}/)[1]
    return soft === undefined || soft === 'unlimited' ? null : Number(soft)
  } catch { return null }
}

export function processMetrics (startedAtMs: number): MetricFamily[] {
  const cpu = process.cpuUsage()
  const mem = process.memoryUsage()
  const families = [
    counter('process_cpu_user_seconds_total', 'User CPU time spent in seconds.', cpu.user / 1e6),
    counter('process_cpu_system_seconds_total', 'System CPU time spent in seconds.', cpu.system / 1e6),
    counter('process_cpu_seconds_total', 'Total user and system CPU time spent in seconds.', (cpu.user + cpu.system) / 1e6),
    gauge('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.', Math.floor(startedAtMs / 1000)),
    gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', mem.rss),
    gauge('nodejs_heap_size_total_bytes', 'Process heap size from Node.js in bytes.', mem.heapTotal),
    gauge('nodejs_heap_size_used_bytes', 'Process heap size used from Node.js in bytes.', mem.heapUsed),
    gauge('nodejs_external_memory_bytes', 'Node.js external memory size in bytes.', mem.external),
  ]
  const fds = openFds()
  if (fds !== null) families.push(gauge('process_open_fds', 'Number of open file descriptors.', fds))
  const max = maxFds()
  if (max !== null) families.push(gauge('process_max_fds', 'Maximum number of open file descriptors.', max))
  return families
}
