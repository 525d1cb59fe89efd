# Cross compiling linux-arm64 (glibc) on a Debian x64 machine: apt-get install crossbuild-essential-arm64.
# Used by scripts/prebuild-all.js; CMakeLists.txt presets the libzmq feature checks that cannot run.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(ZMQ_NAPI_CROSS_TRIPLE aarch64-linux-gnu)

set(CMAKE_C_COMPILER ${ZMQ_NAPI_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${ZMQ_NAPI_CROSS_TRIPLE}-g++)
find_program(CMAKE_AR NAMES ${ZMQ_NAPI_CROSS_TRIPLE}-ar)
find_program(CMAKE_RANLIB NAMES ${ZMQ_NAPI_CROSS_TRIPLE}-ranlib)
find_program(CMAKE_STRIP NAMES ${ZMQ_NAPI_CROSS_TRIPLE}-strip)

# Headers and libraries of the target only (never the host's /usr/lib/x86_64-linux-gnu).
set(CMAKE_FIND_ROOT_PATH /usr/${ZMQ_NAPI_CROSS_TRIPLE} /usr/lib/${ZMQ_NAPI_CROSS_TRIPLE})
set(CMAKE_LIBRARY_ARCHITECTURE ${ZMQ_NAPI_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# Run-checks (if any) execute under qemu when it is installed.
find_program(ZMQ_NAPI_QEMU NAMES qemu-aarch64-static qemu-aarch64)
if(ZMQ_NAPI_QEMU)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${ZMQ_NAPI_QEMU} -L /usr/${ZMQ_NAPI_CROSS_TRIPLE})
endif()
