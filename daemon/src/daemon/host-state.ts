// Small host state that must survive a restart: whether the operator cordoned the host.
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface HostState { cordoned: boolean }

export class HostStateFile {
  private readonly path: string

  constructor (dataDir: string) {
    this.path = join(dataDir, 'state.json')
  }

  read (): HostState {
    try {
      const data = JSON.parse(readFileSync(this.path, 'utf8')) as Partial<HostState>
      return { cordoned: data.cordoned === true }
    } catch {
      return { cordoned: false }
    }
  }

  write (state: HostState): void {
    const tmp = `${this.path}.tmp`
    writeFileSync(tmp, JSON.stringify(state) + '\n', { mode: 0o600 })
    renameSync(tmp, this.path)
  }
}
