# win32-arm64: Windows 10+ on ARM64 (mingw-w64 headers and CRT), cross compiled with zig 0.11 by scripts/prebuild-all.js (its target table names
# the zig target; cmake/zig.cmake sets the tools).
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR ARM64)
include("${CMAKE_CURRENT_LIST_DIR}/zig.cmake")
