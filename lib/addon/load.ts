/**
 * The loader: the only module that loads the compiled addon.
 * @internal
 * @module
 */
import * as fs from "node:fs"
import * as path from "node:path"
import type {NativeBinding} from "./types"

function packageRoot(): string {
  // lib/addon/ when run from source, dist/cjs/addon/ when compiled.
  let dir = __dirname
  for (;;) {
    const manifest = path.join(dir, "package.json")
    if (fs.existsSync(manifest)) {
      const {name} = JSON.parse(fs.readFileSync(manifest, "utf8")) as {name?: string}
      if (name === "zeromq-napi") return dir
    }
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error(`zeromq-napi: package.json not found above ${__dirname}`)
    dir = parent
  }
}

function load(): NativeBinding {
  // ZEROMQ_NAPI_ADDON=/path/to/zeromq_napi.node loads that binary instead of the normal
  // search: how the sanitizer run (`npm run test:asan`) loads its build-asan/ addon while
  // build/Release stays the normal one.
  const override = process.env.ZEROMQ_NAPI_ADDON
  if (override) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path.resolve(override)) as NativeBinding
  }
  const root = packageRoot()
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const nodeGypBuild = require("node-gyp-build") as (dir: string) => unknown
    return nodeGypBuild(root) as NativeBinding
  } catch (err) {
    const platform = `${process.platform}-${process.arch}`
    const reason = err instanceof Error ? err.message : String(err)
    throw new Error(
      [
        `zeromq-napi could not load its native addon for ${platform} (Node ${process.version}, ` +
          `Node-API ${process.versions.napi}).`,
        `Tried, in order: ${path.join(root, "build", "Release")}, ${path.join(root, "build", "Debug")}` +
          `, ${path.join(root, "prebuilds", platform)}${process.env.PREBUILDS_ONLY ? " (PREBUILDS_ONLY is set: prebuilds only)" : ""}.`,
        `Reason: ${reason}`,
        "To fix it:",
        "  - build it from source: `npm rebuild zeromq-napi` (needs cmake and a C++17 compiler;",
        "    libzmq's source is fetched, or set ZEROMQ_NAPI_LIBZMQ_ARCHIVE to its archive), or",
        "  - build against a system libzmq: `npm run build:gyp` in the package folder (needs pkg-config),",
        "  - or install on a platform with a prebuilt binary (see the README's platform table).",
      ].join("\n"),
      {cause: err},
    )
  }
}

/** The loaded addon, as it is: lib/addon/index.ts gives it the library's error class. */
export const binding: NativeBinding = load()
