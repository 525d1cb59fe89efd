# Cross compiling win32-x64 with mingw-w64 on Debian: apt-get install g++-mingw-w64-x86-64.
# The -posix compilers: the win32 thread model has no std::mutex / std::thread.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR AMD64)
set(ZMQ_NAPI_CROSS_TRIPLE x86_64-w64-mingw32)

set(CMAKE_C_COMPILER ${ZMQ_NAPI_CROSS_TRIPLE}-gcc-posix)
set(CMAKE_CXX_COMPILER ${ZMQ_NAPI_CROSS_TRIPLE}-g++-posix)
set(CMAKE_RC_COMPILER ${ZMQ_NAPI_CROSS_TRIPLE}-windres)
find_program(CMAKE_AR NAMES ${ZMQ_NAPI_CROSS_TRIPLE}-ar)
find_program(CMAKE_RANLIB NAMES ${ZMQ_NAPI_CROSS_TRIPLE}-ranlib)
find_program(CMAKE_STRIP NAMES ${ZMQ_NAPI_CROSS_TRIPLE}-strip)
# CMakeLists.txt makes the Node-API import library with it (from node-api-headers' node_api.def).
find_program(CMAKE_DLLTOOL NAMES ${ZMQ_NAPI_CROSS_TRIPLE}-dlltool)

set(CMAKE_FIND_ROOT_PATH /usr/${ZMQ_NAPI_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
