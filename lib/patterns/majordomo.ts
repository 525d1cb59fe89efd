/**
 * The Majordomo pattern (zguide chapter 4, "Service-Oriented Reliable Queuing"): a
 * broker that routes requests to workers by service name, with heartbeats both ways, the
 * `mmi.service` query and, in MDP/0.2, partial replies. Clients and workers speak
 * MDP/0.1 (rfc.zeromq.org/spec:7/MDP, what the guide's brokers speak) unless given
 * `protocol: "MDP/0.2"` (spec:18/MDP); the broker serves both at once.
 * @module
 */
export {
  MajordomoBroker,
  type MajordomoBrokerOptions,
  type MajordomoBrokerStats,
  type MajordomoServiceInfo,
} from "./majordomo-broker"
export {
  MajordomoWorker,
  type MajordomoHandler,
  type MajordomoReply,
  type MajordomoWorkerOptions,
  type MajordomoWorkerStats,
} from "./majordomo-worker"
export {
  MajordomoClient,
  type MajordomoClientOptions,
  type MajordomoClientStats,
  type MajordomoRequestOptions,
} from "./majordomo-client"
export type {MajordomoBody, MajordomoProtocol} from "./majordomo-protocol"
