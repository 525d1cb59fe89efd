# linux-x64 with glibc 2.28+ (Node 18+'s own floor: RHEL 8, Debian 10, Ubuntu 18.10 and later), cross compiled with zig 0.11 by scripts/prebuild-all.js (its target table names
# the zig target; cmake/zig.cmake sets the tools).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
include("${CMAKE_CURRENT_LIST_DIR}/zig.cmake")
