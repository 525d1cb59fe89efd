/**
 * The Clone pattern (the guide's chapter 5 "Reliable Pub-Sub", protocol 12/CHP): a
 * server keeps a key-value map and clients keep synchronized copies of it (or of one
 * subtree of it), from a snapshot plus the numbered updates that follow it.
 * @module
 */
export {
  CloneServer,
  type CloneServerOptions,
  type CloneServerStats,
  type CloneSetOptions,
} from "./clone-server"
export {
  CloneClient,
  type CloneChange,
  type CloneClientOptions,
  type CloneClientStats,
  type CloneSilentEvent,
  type CloneSyncEvent,
} from "./clone-client"
export {
  decodeKvMsg,
  encodeKvMsg,
  kvKeyMax,
  type CloneEndpoints,
  type CloneUpdatePath,
  type KvMsg,
} from "./clone-kvmsg"
