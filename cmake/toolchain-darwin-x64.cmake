# darwin-x64: macOS 11+ on Intel, cross compiled with zig 0.11 by scripts/prebuild-all.js (its target table names
# the zig target; cmake/zig.cmake sets the tools).
set(CMAKE_SYSTEM_NAME Darwin)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
# The zig target carries the architecture and macOS 11 as the minimum: no -arch, SDK or
# -mmacosx-version-min from CMake.
set(CMAKE_OSX_ARCHITECTURES "")
set(CMAKE_OSX_SYSROOT "/")
set(CMAKE_OSX_DEPLOYMENT_TARGET "")
include("${CMAKE_CURRENT_LIST_DIR}/zig.cmake")
