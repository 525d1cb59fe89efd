# linux-arm: 32-bit ARMv7, hard float, glibc 2.28+ (Raspberry Pi OS 10+), cross compiled with zig 0.11 by scripts/prebuild-all.js (its target table names
# the zig target; cmake/zig.cmake sets the tools).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR armv7l)
include("${CMAKE_CURRENT_LIST_DIR}/zig.cmake")
