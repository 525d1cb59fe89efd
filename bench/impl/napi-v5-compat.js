"use strict"
// zeromq-napi through its zeromq 5.x callback API (`zeromq-napi/v5-compat`): the code of
// v5-roles.js, shared with zeromq v6's v5-compat.
const {v5Roles} = require("./v5-roles")

module.exports = {
  id: "napi-v5-compat",
  label: "zeromq-napi/v5-compat",
  module: "zeromq-napi/v5-compat",
  roles: v5Roles(() => require("zeromq-napi/v5-compat")),
}
