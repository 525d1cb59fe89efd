/**
 * The Majordomo pattern (zguide chapter 4, "Service-Oriented Reliable Queuing"): a
 * broker that routes requests to workers by service name, with heartbeats both ways, the
 * `mmi.service` query, and partial replies (protocol rfc.zeromq.org/spec:18/MDP, MDP/0.2).
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
export type {MajordomoBody} from "./majordomo-protocol"
