"use strict"
// zeromq v6 through its zeromq 5.x callback API (`zeromq/v5-compat`): the code of
// v5-roles.js, shared with zeromq-napi's v5-compat.
const {v5Roles} = require("./v5-roles")

module.exports = {
  id: "zeromq-v6-compat",
  label: "zeromq v6/v5-compat",
  module: "zeromq/v5-compat",
  roles: v5Roles(() => require("zeromq/v5-compat")),
}
