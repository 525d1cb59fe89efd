# linux-arm64 with glibc 2.28+ (as linux-x64), cross compiled with zig 0.11 by scripts/prebuild-all.js (its target table names
# the zig target; cmake/zig.cmake sets the tools).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
include("${CMAKE_CURRENT_LIST_DIR}/zig.cmake")
