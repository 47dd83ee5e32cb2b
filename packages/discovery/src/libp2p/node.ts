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
   * kad-dht query tuning. alpha keeps kad-dht's default (10): alpha 3 halved the messages per
   * lookup and the p50 on 50 loopback nodes, but on 100 CPU-saturated nodes its extra rounds made
   * half the lookups miss a 5 s deadline. Self-query every 30 s (kad-dht: 5 min, which left late
   * joiners with 1-peer routing tables for minutes).
   */
  dht?: {
    /** concurrent requests per query path */
    alpha?: number
    disjointPaths?: number
    /** how often a node looks itself up to refresh its neighbourhood */
    querySelfIntervalMs?: number
  }
}

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
    peerDiscovery: o.bootstrap.length > 0 ? [bootstrap({ list: o.bootstrap, timeout: 0 })] : [],
    services: {
      identify: identify(),
      ping: ping(),
      dht: kadDHT({
        protocol: DHT_PROTOCOL,
        clientMode: false,
        peerInfoMapper: passthroughMapper,
        ...(o.dht?.alpha !== undefined ? { alpha: o.dht.alpha } : {}),
        querySelfInterval: o.dht?.querySelfIntervalMs ?? 30_000,
        ...(o.dht?.disjointPaths !== undefined ? { disjointPaths: o.dht.disjointPaths } : {})
      }),
      pubsub: gossipsub({
        allowPublishToZeroTopicPeers: true,
        emitSelf: false,
        scoreParams: { IPColocationFactorWhitelist: new Set(o.colocatedIps ?? ['127.0.0.1', '::1']) }
      })
    }
  })
}

/** Size of the DHT routing table (kadDHT's factory type hides it; the instance has it). */
export function routingTableSize (dht: KadDHT): number {
  return (dht as unknown as { routingTable?: { size: number } }).routingTable?.size ?? 0
}
