/**
 * The libp2p node of a Parley host: tcp + noise + yamux + identify + ping, a pre-shared key (pnet
 * protocol, our own protector: see psk-protector.ts),
 * a private Kademlia DHT (own protocol, server mode, LAN addresses kept) and gossipsub.
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { bootstrap } from '@libp2p/bootstrap'
import { gossipsub, type GossipSub } from '@libp2p/gossipsub'
import { identify, type Identify } from '@libp2p/identify'
import type { PrivateKey } from '@libp2p/interface'
import { kadDHT, passthroughMapper, type KadDHT } from '@libp2p/kad-dht'
import { ping, type Ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { createLibp2p, type Libp2p } from 'libp2p'
import { multiaddr } from '@multiformats/multiaddr'
import { toString } from 'uint8arrays'
import { InvalidArgumentError } from '../errors.js'
import { parseSwarmKey } from '../keys.js'
import { pskProtector } from './psk-protector.js'

export const DHT_PROTOCOL = '/parley/kad/1.0.0'

export interface ConnectionLimits {
  /** default 300 */
  maxConnections?: number
  /** inbound connections per second per remote host; libp2p's default (5) is too low when a whole cluster shares 127.0.0.1. Default 100 */
  inboundConnectionThreshold?: number
  /** default 100 */
  maxIncomingPendingConnections?: number
  /** multiaddr prefixes exempt from the limits */
  allow?: string[]
}

export interface NodeOptions {
  listen: string[]
  bootstrap: string[]
  /** swarm.key text or bytes */
  psk: string | Uint8Array
  privateKey?: PrivateKey
  limits?: ConnectionLimits
  /**
   * IP addresses exempt from gossipsub's IP-colocation penalty. Gossipsub scores a peer down
   * quadratically once more than 10 peers share one IP, and graylists it: on loopback (tests,
   * benches, one-machine labs) every peer shares 127.0.0.1 and gossip silently stops past ~11 nodes.
   * Default: the loopback addresses. Add a LAN IP only if several hosts really share it (NAT).
   */
  colocatedIps?: string[]
  /**
   * libp2p's connection monitor pings every connection from both ends and aborts it when a ping
   * times out. With its defaults (every 10 s, aborted after 5 s) each connection costs two streams
   * every 10 s, and a host whose event loop stalls for 5 s (CPU-starved, a long GC) loses healthy
   * links that its next DHT lookups must dial again (noise handshakes): on a loaded 100-node bench
   * only 67% of routing-table peers still had a connection. Defaults: every 30 s, 15 s timeout.
   */
  connectionMonitor?: { pingIntervalMs?: number, pingTimeoutMs?: number }
  /**
   * kad-dht query tuning. Defaults: alpha 3, one path, provider quorum 3, self-query every 5 min
   * after a warm-up of self-queries 2, 4, 8, ... s after start while the routing table holds fewer
   * than 20 peers (self-query.ts).
   * kad-dht's own (alpha 10, 20 disjoint paths) send a lookup's first request to 20 peers at once and
   * let a full query walk on until each path has its own 20 closest peers: on 100 loopback nodes that
   * was 24 requests and 205 ms p50 per full lookup (9.8 requests, 40 ms p50 for the first candidate)
   * against 3.6 requests, 55 ms (2 requests, 15 ms) with these. Disjoint paths defend an open network
   * against Sybil peers; behind the cluster's pre-shared key every peer is a member host.
   */
  dht?: {
    /** concurrent requests per query path */
    alpha?: number
    disjointPaths?: number
    /** how often a node looks itself up to refresh its neighbourhood, once warmed up (default 5 min) */
    querySelfIntervalMs?: number
    /** the first warm-up self-query's delay after start, doubling after each (default 2 s; 0: none) */
    warmUpSelfQueryMs?: number
    /**
     * A provider lookup ends once this many peers have answered with provider records (or at the
     * caller's limit, or when the query converges). Every provider stores its record on the ~20
     * peers nearest the key, so after a few of them have answered the rest repeat the same list;
     * walking on to convergence cost the whole query again for nothing new. Default 3.
     */
    providerQuorum?: number
  }
}

export const DEFAULT_PROVIDER_QUORUM = 3
export const DEFAULT_QUERY_SELF_INTERVAL_MS = 300_000

export type ParleyServices = { dht: KadDHT, pubsub: GossipSub, identify: Identify, ping: Ping }

/** Refuse unusable addresses up front, with the offending text and a hint. */
function checkAddresses (o: NodeOptions): void {
  for (const a of o.listen) {
    try { multiaddr(a) } catch {
      throw new InvalidArgumentError(`invalid listen address "${a}"`, 'use a multiaddr such as /ip4/0.0.0.0/tcp/4001')
    }
  }
  for (const a of o.bootstrap) {
    let ok = false
    try { ok = multiaddr(a).getComponents().some(c => c.name === 'p2p') } catch {}
    if (!ok) {
      throw new InvalidArgumentError(`invalid bootstrap address "${a}"`,
        'a bootstrap address is a multiaddr ending in the peer id, e.g. /ip4/10.0.0.1/tcp/4001/p2p/12D3KooW...')
    }
  }
}

export async function buildNode (o: NodeOptions): Promise<Libp2p<ParleyServices>> {
  checkAddresses(o)
  const psk = parseSwarmKey(o.psk)
  const limits = o.limits ?? {}
  return await createLibp2p<ParleyServices>({
    ...(o.privateKey !== undefined ? { privateKey: o.privateKey } : {}),
    addresses: { listen: o.listen },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionProtector: pskProtector(psk),
    connectionManager: {
      maxConnections: limits.maxConnections ?? 300,
      inboundConnectionThreshold: limits.inboundConnectionThreshold ?? 100,
      maxIncomingPendingConnections: limits.maxIncomingPendingConnections ?? 100,
      ...(limits.allow !== undefined ? { allow: limits.allow } : {})
    },
    connectionMonitor: {
      pingInterval: o.connectionMonitor?.pingIntervalMs ?? 30_000,
      pingTimeout: { minTimeout: o.connectionMonitor?.pingTimeoutMs ?? 15_000 }
    },
    peerDiscovery: o.bootstrap.length > 0 ? [bootstrap({ list: o.bootstrap, timeout: 0 })] : [],
    services: {
      identify: identify(),
      ping: ping(),
      dht: kadDHT({
        protocol: DHT_PROTOCOL,
        clientMode: false,
        peerInfoMapper: passthroughMapper,
        alpha: o.dht?.alpha ?? 3,
        disjointPaths: o.dht?.disjointPaths ?? 1,
        querySelfInterval: o.dht?.querySelfIntervalMs ?? DEFAULT_QUERY_SELF_INTERVAL_MS
      }),
      pubsub: gossipsub({
        allowPublishToZeroTopicPeers: true,
        emitSelf: false,
        fastMsgIdFn: duplicateKey,
        scoreParams: { IPColocationFactorWhitelist: new Set(o.colocatedIps ?? ['127.0.0.1', '::1']) }
      })
    }
  })
}

/**
 * Gossipsub checks a message's signature before it looks the message up among those it has seen, so
 * every copy a node receives (one per mesh peer, up to 6 or more) costs an ed25519 verification:
 * about a tenth of a 60-node bench process's busy time went to it. Given this function it drops
 * a copy by this key first. The key is the message id gossipsub uses anyway under StrictSign (sender
 * and sequence number), and it enters the cache only once a copy has passed the signature check, so
 * a forged copy cannot shadow a real message.
 */
export function duplicateKey (msg: { from?: Uint8Array, seqno?: Uint8Array }): string {
  if (msg.from === undefined || msg.seqno === undefined) return ''
  return `${toString(msg.from, 'base64')}/${toString(msg.seqno, 'base16')}`
}

/** Size of the DHT routing table (kadDHT's factory type hides it; the instance has it). */
export function routingTableSize (dht: KadDHT): number {
  return (dht as unknown as { routingTable?: { size: number } }).routingTable?.size ?? 0
}
