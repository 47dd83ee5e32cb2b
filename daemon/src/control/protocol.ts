// The control protocol between parleyd and the parley CLI: newline-delimited JSON on a unix socket.
//
//   request   {"id": 1, "method": "status", "params": {}}
//   event     {"id": 1, "event": {...}}            zero or more, streaming methods only (drain, watch)
//   answer    {"id": 1, "ok": true, "result": {...}}
//          |  {"id": 1, "ok": false, "error": {"code", "message", "hint"}}
//
// Requests on one connection may interleave; answers carry the request's id. A line that is not a
// request gets an error answer with "id": null and the connection stays open.
import type { WireError } from './errors.js'

export const PROTOCOL_VERSION = 1
/** Longest request line the daemon reads (an IM text travels inside subscribe). */
export const MAX_LINE_BYTES = 1024 * 1024

export type Id = number | string
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

export interface Request { id: Id, method: string, params?: Record<string, unknown> }
export type Answer =
  | { id: Id | null, ok: true, result: unknown }
  | { id: Id | null, ok: false, error: WireError }
export interface EventLine { id: Id, event: unknown }
export type ServerLine = Answer | EventLine

export const METHODS = ['status', 'peers', 'vms', 'subscribe', 'unsubscribe', 'drain', 'uncordon', 'watch'] as const
export type Method = typeof METHODS[number]

// ---- result shapes ----

export interface SubscriptionView { name: string, hash: string, roles: string[], since: string }
export interface RoleView { im: string, role: string, args?: unknown }
export interface InteractionView { id: string, im: string, role: string, coordinator: string, peers: string[], startedAt: string }

export interface StatusResult {
  version: string
  protocol: number
  peerId: string
  addresses: string[]
  hypervisor: { uri: string, backend: string, host: string, migrationUri: string }
  runtime: 'attached' | 'absent'
  subscriptions: SubscriptionView[]
  roles: RoleView[]
  interactions: InteractionView[]
  cordoned: boolean
  draining: boolean
  peers: number
  vms: number
  uptimeS: number
}

export interface PeerView { peerId: string, roles: Array<{ im: string, role: string }> }
export interface PeersResult { peers: PeerView[] }

export interface VmView { name: string, uuid: string, state: string, vcpus: number, memoryMiB: number, cpuTimeS: number, migrating: 'in' | 'out' | null }
export interface VmsResult { host: string, capacity: { cpus: number, memoryMiB: number }, vms: VmView[] }

export interface SubscribeParams { text?: string, path?: string, name?: string }
export interface SubscribeResult { name: string, hash: string, roles: string[], already: boolean }

export interface UnsubscribeParams { im: string }
export interface UnsubscribeResult { name: string, hash: string }

export interface DrainParams { deadlineMs?: number, dryRun?: boolean, force?: boolean, wait?: boolean }
export type DrainOutcome = 'moved' | 'would-move' | 'unplaced' | 'failed' | 'stopped'
export interface DrainVmResult { vm: string, outcome: DrainOutcome, to?: string, reason?: string }
export type DrainEvent =
  | { type: 'progress', total: number, done: number, remaining: number, failed: number }
  | { type: 'vm', result: DrainVmResult }
export interface DrainResult {
  dryRun: boolean
  /** False for a dry run, and when VMs that cannot move refused the drain (no force). */
  started: boolean
  /** False when the call returned before the drain finished (no wait). */
  finished: boolean
  empty: boolean
  total: number
  results: DrainVmResult[]
}

export interface UncordonResult { cordoned: false, drainCancelled: boolean }
