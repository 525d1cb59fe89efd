// #region import
import * as zmq from "zeromq-napi" // Bun: bun add zeromq-napi; Deno: npm:zeromq-napi or node_modules
// #endregion import

// The same module under every runtime: what the loaded libzmq can do here.
console.log(zmq.version, typeof zmq.Push, zmq.capability.curve) // 4.3.4 function true
