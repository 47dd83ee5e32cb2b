// The coordinator's links to remote participants: their constraints evaluated over
// /parley/constraint/1 (terms as lcc JSON, notes merged back), and their leases renewed over
// /parley/invite/1 at a third of the TTL, each renewal in flight on its own. A participant is lost
// when a renewal is refused (it has no lease any more) or none succeeded for a whole TTL: by then
// its lease has expired and it has gone back to its own loop.
import type { Discovery, Json } from '@parley/discovery'
import type { Clock } from '@parley/hypervisor'
import { termToJson, termsFromJson } from '@parley/lcc'
import type { ConstraintCall, ConstraintDispatcher, ConstraintOutcome } from '@parley/lcc'
import type { Logger } from 'pino'
import type { ConstraintContext } from './components/context.js'
import { BadReplyError, codeOf, messageOf } from './errors.js'
import { CONSTRAINT_PROTOCOL, INVITE_PROTOCOL, validateConstraintReply, validateOk } from './protocol.js'
import type { ConstraintRequest } from './protocol.js'
import type { PolicyParams } from './types.js'

export interface RemoteLinkDeps {
  readonly discovery: Discovery
  readonly clock: Clock
  readonly params: PolicyParams
  readonly log: Logger
  readonly ctx: ConstraintContext
  /** Aborted with the interaction: cancels calls and renewals in flight. */
  readonly signal: AbortSignal
}

export class RemoteLinks {
  private seq = 0

  constructor (private readonly d: RemoteLinkDeps) {}

  /** Evaluates `peer`'s constraints on `peer`. */
  dispatcher (peer: string): ConstraintDispatcher {
    return async (call: ConstraintCall): Promise<ConstraintOutcome> => {
      const { ctx } = this.d
      const body: ConstraintRequest = {
        interaction: ctx.interaction,
        seq: ++this.seq,
        peer,
        role: call.role,
        roleTerm: termToJson(call.roleTerm),
        key: call.key,
        args: call.args.map(termToJson),
        context: { im: ctx.im, coordinator: ctx.coordinator, participants: ctx.participants, notes: ctx.notes }
      }
      const t0 = this.d.clock.now()
      const reply = await this.d.discovery.request(peer, CONSTRAINT_PROTOCOL, body as unknown as Json, {
        timeoutMs: this.d.params.constraintTimeoutMs, validate: validateConstraintReply, signal: this.d.signal
      })
      this.d.log.trace({ peer, key: call.key, ms: Math.round(this.d.clock.now() - t0), outcome: reply.outcome }, 'remote constraint')
      Object.assign(ctx.notes, reply.notes)
      if (typeof reply.outcome === 'boolean') return reply.outcome
      try {
        return termsFromJson(reply.outcome)
      } catch (err) {
        throw new BadReplyError(peer, CONSTRAINT_PROTOCOL, messageOf(err))
      }
    }
  }

  /** Tells a participant something (end, abort); failures only log: its lease expires anyway. */
  async tell (peer: string, body: Json): Promise<void> {
    try {
      await this.d.discovery.request(peer, INVITE_PROTOCOL, body, { timeoutMs: this.d.params.leaseTtlMs, validate: validateOk })
    } catch (err) {
      this.d.log.warn({ peer, code: codeOf(err), err: messageOf(err) }, 'could not tell a participant')
    }
  }

  /**
   * Renews until the signal aborts. `remote()` lists the remote participants still in, with when
   * they joined; `renewOwn()` keeps this host's own lease; `lost()` aborts the interaction.
   */
  async renewLoop (remote: () => Iterable<[string, number]>, renewOwn: () => boolean, lost: (code: 'RT_LEASE_EXPIRED' | 'RT_PARTICIPANT_LOST', reason: string) => void): Promise<void> {
    const { clock, signal } = this.d
    const ttl = this.d.params.leaseTtlMs
    const every = Math.max(1, Math.floor(ttl / 3))
    const lastOk = new Map<string, number>()
    const inFlight = new Set<string>()
    while (!signal.aborted) {
      try { await clock.sleep(every, signal) } catch { return }
      if (!renewOwn()) { lost('RT_LEASE_EXPIRED', 'the coordinator\'s own lease is gone'); return }
      const now = clock.now()
      const still = new Map(remote())
      for (const [id, joinedAt] of still) {
        const last = lastOk.get(id) ?? joinedAt
        if (now - last >= ttl) { lost('RT_PARTICIPANT_LOST', `${id} did not renew its lease for ${ttl} ms`); return }
        if (inFlight.has(id)) continue
        inFlight.add(id)
        void this.d.discovery.request(id, INVITE_PROTOCOL, { type: 'renew', interaction: this.d.ctx.interaction }, { timeoutMs: ttl, validate: validateOk, signal })
          .then(() => { lastOk.set(id, clock.now()) }, (err: unknown) => {
            if (signal.aborted || !new Map(remote()).has(id)) return
            const code = codeOf(err)
            this.d.log.debug({ peer: id, code, err: messageOf(err) }, 'lease renewal failed')
            // a refusal (the participant has no lease any more) is final; a timeout may be transient
            if (code.startsWith('RT_')) lost('RT_PARTICIPANT_LOST', `${id} refused the renewal: ${code}`)
          })
          .finally(() => { inFlight.delete(id) })
      }
    }
  }
}
