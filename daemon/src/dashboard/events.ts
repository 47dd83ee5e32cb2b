// The live feed, as Server-Sent Events rather than polling: the page holds one request open and
// gets each sample as the sampler takes it (no second timer on the client drifting against the
// sampler, no request per second per viewer), EventSource reconnects by itself, and each
// (re)connection starts with a full snapshot, so the client never has to mend a gap. The price is
// one open socket per viewer, bounded by maxClients; a viewer that stops reading is dropped.
import type { ServerResponse } from 'node:http'
import type { Logger } from 'pino'

/** A client that has this much unsent is not reading: drop it rather than buffer without bound. */
const MAX_BACKLOG_BYTES = 1 << 20

export class EventFeed {
  private readonly clients = new Set<ServerResponse>()

  constructor (private readonly maxClients: number, private readonly log: Logger) {}

  get size (): number { return this.clients.size }

  get full (): boolean { return this.clients.size >= this.maxClients }

  /** Takes over `res` as an event stream and sends `first` (the snapshot) on it. */
  open (res: ServerResponse, first: { event: string, data: unknown }): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    })
    // A reconnecting EventSource waits this long (ms) before trying again.
    res.write('retry: 2000\n\n')
    this.clients.add(res)
    res.on('close', () => { this.clients.delete(res) })
    // A socket error on one viewer concerns that viewer only (an unhandled 'error' would end parleyd).
    res.on('error', (err: Error) => { this.clients.delete(res); this.log.debug({ err: err.message }, 'dashboard viewer dropped') })
    this.write(res, first.event, first.data)
  }

  broadcast (event: string, data: unknown): void {
    if (this.clients.size === 0) return
    const frame = frameOf(event, data)
    for (const res of this.clients) this.writeFrame(res, frame)
  }

  closeAll (): void {
    for (const res of this.clients) res.end()
    this.clients.clear()
  }

  private write (res: ServerResponse, event: string, data: unknown): void {
    this.writeFrame(res, frameOf(event, data))
  }

  private writeFrame (res: ServerResponse, frame: string): void {
    if (res.writableEnded || res.destroyed) { this.clients.delete(res); return }
    if (res.writableLength > MAX_BACKLOG_BYTES) {
      this.log.warn({ backlog: res.writableLength }, 'dashboard viewer is not reading its event stream: dropped')
      this.clients.delete(res)
      res.destroy()
      return
    }
    res.write(frame)
  }
}

/** JSON has no raw newlines, so one `data:` line carries the whole event. */
function frameOf (event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`
}
