#!/usr/bin/env node
"use strict"
/**
 * Obtains the pinned libsodium source (scripts/libsodium.json: Debian's orig tarball of the
 * `libsodium` source package, a git tag archive without `configure`) and unpacks it into
 * `deps/`, the same ways as scripts/fetch-libzmq.js: ZEROMQ_NAPI_LIBSODIUM_ARCHIVE, a cached
 * copy, then Debian's source package through apt with private state. Prints the unpacked folder.
 * cmake/libsodium.cmake compiles it (scripts/prebuild-all.js passes LIBSODIUM_SOURCE_DIR).
 */
const {cli} = require("./fetch-libzmq.js")

const pin = {
  name: "libsodium",
  env: "ZEROMQ_NAPI_LIBSODIUM_ARCHIVE",
  ...require("./libsodium.json"),
}

if (require.main === module) cli(pin, "fetch-libsodium")

module.exports = {pin}
