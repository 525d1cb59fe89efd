# Alternative build (`npm run build:gyp`): node-gyp against a libzmq installed on the system
# (Debian: libzmq3-dev), found with pkg-config. The default build is CMakeLists.txt (cmake-js,
# vendored static libzmq with drafts). System libzmq packages are built without the draft API,
# so ZMQ_BUILD_DRAFT_API is deliberately NOT defined here: capability.draft is false.
{
  "targets": [
    {
      "target_name": "zeromq_napi",
      # Every native/*.cc and native/util/*.cc, like the CMake glob (paths relative to this file).
      "sources": [
        "<!@(node -p \"['native','native/util'].flatMap(d=>require('fs').readdirSync(d).filter(f=>f.endsWith('.cc')).sort().map(f=>d+'/'+f)).join(' ')\")"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      # capability.curveLibrary: whether the system libzmq uses libsodium (pkg-config says so).
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_CPP_EXCEPTIONS",
        "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS",
        "NODE_ADDON_API_DISABLE_DEPRECATED",
        "ZMQ_NAPI_CURVE_LIBSODIUM=<!(node -p \"try{/sodium/.test(require('child_process').execSync('(pkg-config --print-requires-private libzmq; pkg-config --static --libs libzmq) 2>/dev/null || true'))?1:0}catch(e){0}\")"
      ],
      "cflags": ["-fvisibility=hidden", "<!@(pkg-config --cflags libzmq)"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-fexceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++14", "-std=gnu++17", "-std=gnu++20"],
      "libraries": ["<!@(pkg-config --libs libzmq)"],
      "conditions": [
        [
          "OS=='mac'",
          {
            "xcode_settings": {
              "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
              "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
              "GCC_SYMBOLS_PRIVATE_EXTERN": "YES",
              "MACOSX_DEPLOYMENT_TARGET": "10.15",
              "OTHER_CFLAGS": ["<!@(pkg-config --cflags libzmq)"]
            }
          }
        ],
        [
          "OS=='win'",
          {
            "msvs_settings": {
              "VCCLCompilerTool": {"ExceptionHandling": 1, "AdditionalOptions": ["/std:c++17"]}
            }
          }
        ]
      ]
    }
  ]
}
