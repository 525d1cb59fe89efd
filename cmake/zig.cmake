# Shared part of the zig cross-compiling toolchain files (toolchain-<target>.cmake that set
# CMAKE_SYSTEM_NAME and CMAKE_SYSTEM_PROCESSOR, then include this file).
# scripts/prebuild-all.js writes the tool wrappers (scripts/toolchain-zig.js: `zig cc -target
# <zig target>` and friends) into a folder and names it in ZMQ_NAPI_ZIG_BIN; the zig target
# itself is declared once, in prebuild-all.js's target table.
if(DEFINED ENV{ZMQ_NAPI_ZIG_BIN})
  set(ZMQ_NAPI_ZIG_BIN "$ENV{ZMQ_NAPI_ZIG_BIN}" CACHE PATH "zig tool wrappers" FORCE)
endif()
if(NOT ZMQ_NAPI_ZIG_BIN OR NOT EXISTS "${ZMQ_NAPI_ZIG_BIN}/cc")
  message(FATAL_ERROR "zig toolchain: ZMQ_NAPI_ZIG_BIN is not a folder of wrappers; build this target with `node scripts/prebuild-all.js <target>`")
endif()

set(CMAKE_C_COMPILER "${ZMQ_NAPI_ZIG_BIN}/cc")
set(CMAKE_CXX_COMPILER "${ZMQ_NAPI_ZIG_BIN}/c++")
set(CMAKE_AR "${ZMQ_NAPI_ZIG_BIN}/ar" CACHE FILEPATH "zig ar" FORCE)
set(CMAKE_RANLIB "${ZMQ_NAPI_ZIG_BIN}/ranlib" CACHE FILEPATH "zig ranlib" FORCE)
if(EXISTS "${ZMQ_NAPI_ZIG_BIN}/dlltool")
  set(CMAKE_DLLTOOL "${ZMQ_NAPI_ZIG_BIN}/dlltool" CACHE FILEPATH "zig dlltool" FORCE)
  set(CMAKE_RC_COMPILER "${ZMQ_NAPI_ZIG_BIN}/rc")
endif()
# Zig brings the target's headers and libc; nothing of this machine's may be found.
set(CMAKE_FIND_ROOT_PATH "${ZMQ_NAPI_ZIG_BIN}/no-sysroot")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# Compiler checks link a program: zig links executables for every target, no special case.
