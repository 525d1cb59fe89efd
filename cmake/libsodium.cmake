# libsodium compiled from its pinned source tree (scripts/fetch-libsodium.js) into the static
# target zmq_napi_sodium, for targets without a static libsodium of their own (every prebuild:
# scripts/prebuild-all.js passes LIBSODIUM_SOURCE_DIR). The tree is a git tag archive without
# `configure`, so what configure would find is declared here per target instead; every target
# we build for is little-endian, and the x86 SIMD variants are chosen at run time by libsodium's
# CPU feature detection, as in an autotools build.
#
# In: LIBSODIUM_SOURCE_DIR. Out: target zmq_napi_sodium, its archive sodium_archive_file,
# sodium_version, sodium_include.
set(sodium_root "${LIBSODIUM_SOURCE_DIR}/src/libsodium")
if(NOT EXISTS "${sodium_root}/include/sodium/version.h.in")
  message(FATAL_ERROR "LIBSODIUM_SOURCE_DIR=${LIBSODIUM_SOURCE_DIR} is not a libsodium source tree")
endif()
file(STRINGS "${LIBSODIUM_SOURCE_DIR}/configure.ac" sodium_init_line REGEX "^AC_INIT\\(")
string(REGEX MATCH "[0-9]+\\.[0-9]+\\.[0-9]+" sodium_version "${sodium_init_line}")
file(STRINGS "${LIBSODIUM_SOURCE_DIR}/configure.ac" sodium_major_line
  REGEX "^SODIUM_LIBRARY_VERSION_MAJOR=")
file(STRINGS "${LIBSODIUM_SOURCE_DIR}/configure.ac" sodium_minor_line
  REGEX "^SODIUM_LIBRARY_VERSION_MINOR=")
string(REGEX REPLACE ".*=" "" SODIUM_LIBRARY_VERSION_MAJOR "${sodium_major_line}")
string(REGEX REPLACE ".*=" "" SODIUM_LIBRARY_VERSION_MINOR "${sodium_minor_line}")
set(VERSION "${sodium_version}")
set(SODIUM_LIBRARY_MINIMAL_DEF "")
# The public headers with the generated version.h beside them (it includes "export.h").
set(sodium_generated "${CMAKE_CURRENT_BINARY_DIR}/libsodium/include")
file(COPY "${sodium_root}/include/" DESTINATION "${sodium_generated}"
  FILES_MATCHING PATTERN "*.h")
configure_file("${sodium_root}/include/sodium/version.h.in"
  "${sodium_generated}/sodium/version.h" @ONLY)

# Every .c file: the optional ones (assembly-backed, SIMD) guard themselves with the HAVE_*
# macros below, as in an autotools build.
file(GLOB_RECURSE sodium_sources "${sodium_root}/*.c")
add_library(zmq_napi_sodium STATIC ${sodium_sources})
set(sodium_include "${sodium_generated}")
target_include_directories(zmq_napi_sodium
  PUBLIC "${sodium_generated}" PRIVATE "${sodium_generated}/sodium")
set(sodium_archive_dir "${CMAKE_CURRENT_BINARY_DIR}/libsodium")
set_target_properties(zmq_napi_sodium PROPERTIES
  C_VISIBILITY_PRESET hidden POSITION_INDEPENDENT_CODE ON
  ARCHIVE_OUTPUT_DIRECTORY "${sodium_archive_dir}")
set(sodium_archive_file
  "${sodium_archive_dir}/${CMAKE_STATIC_LIBRARY_PREFIX}zmq_napi_sodium${CMAKE_STATIC_LIBRARY_SUFFIX}")

set(sodium_defines CONFIGURED=1 SODIUM_STATIC=1 NATIVE_LITTLE_ENDIAN=1)
if(CMAKE_SIZEOF_VOID_P EQUAL 8 AND NOT MSVC)
  list(APPEND sodium_defines HAVE_TI_MODE=1)
endif()
if(NOT MSVC)
  list(APPEND sodium_defines HAVE_C_VARARRAYS=1 HAVE_INLINE_ASM=1 HAVE_ATOMIC_OPS=1)
endif()
if(WIN32)
  list(APPEND sodium_defines HAVE_ALIGNED_MALLOC=1)
else()
  list(APPEND sodium_defines
    HAVE_WEAK_SYMBOLS=1 HAVE_ALLOCA=1 HAVE_ALLOCA_H=1 HAVE_PTHREAD=1 HAVE_GETPID=1
    HAVE_NANOSLEEP=1 HAVE_SYS_MMAN_H=1 HAVE_MMAP=1 HAVE_MPROTECT=1 HAVE_MLOCK=1 HAVE_MADVISE=1
    HAVE_PAGE_PROTECTION=1 HAVE_POSIX_MEMALIGN=1)
endif()
if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
  # getrandom(2): glibc 2.25+, musl 1.1.20+; explicit_bzero likewise.
  list(APPEND sodium_defines
    HAVE_SYS_RANDOM_H=1 HAVE_LINUX_COMPATIBLE_GETRANDOM=1 HAVE_EXPLICIT_BZERO=1)
elseif(APPLE)
  list(APPEND sodium_defines HAVE_SYS_RANDOM_H=1 HAVE_GETENTROPY=1 HAVE_MEMSET_S=1)
endif()

string(TOLOWER "${CMAKE_SYSTEM_PROCESSOR}" sodium_cpu)
if(sodium_cpu MATCHES "^(x86_64|amd64|x64|i.86|x86)$")
  list(APPEND sodium_defines
    HAVE_MMINTRIN_H=1 HAVE_EMMINTRIN_H=1 HAVE_PMMINTRIN_H=1 HAVE_TMMINTRIN_H=1
    HAVE_SMMINTRIN_H=1 HAVE_AVXINTRIN_H=1 HAVE_AVX2INTRIN_H=1 HAVE_AVX512FINTRIN_H=1
    HAVE_WMMINTRIN_H=1 HAVE_RDRAND=1)
  if(MSVC)
    list(APPEND sodium_defines HAVE_INTRIN_H=1)
  else()
    # No HAVE__XGETBV (an MSVC intrinsic; configure looks for <intrin.h>) and no assembly
    # (HAVE_AMD64_ASM, HAVE_AVX_ASM): libsodium then does not detect AVX and keeps to its SSE2-SSE4.1
    # variants; CURVE's salsa20, poly1305 and X25519 (ref10, 64-bit limbs) do not use AVX.
    list(APPEND sodium_defines HAVE_CPUID=1)
    # The instruction sets each file may use (Makefile.am's per-library CFLAGS): only these
    # files get them, so the library still runs on a plain x86-64 CPU.
    set(sse2 "-msse2")
    set(ssse3 "${sse2} -mssse3")
    set(sse41 "${ssse3} -msse4.1")
    set(avx2 "${sse41} -mavx -mavx2")
    set(sodium_simd
      "aead_aes256gcm_aesni.c|${ssse3} -maes -mpclmul"
      "poly1305_sse2.c|${sse2}"
      "pwhash_scryptsalsa208sha256_sse.c|${sse2}"
      "salsa20_xmm6int-sse2.c|${sse2}"
      "blake2b-compress-ssse3.c|${ssse3}"
      "argon2-fill-block-ssse3.c|${ssse3}"
      "chacha20_dolbeau-ssse3.c|${ssse3}"
      "blake2b-compress-sse41.c|${sse41}"
      "blake2b-compress-avx2.c|${avx2}"
      "argon2-fill-block-avx2.c|${avx2}"
      "chacha20_dolbeau-avx2.c|${avx2}"
      "salsa20_xmm6int-avx2.c|${avx2}"
      "argon2-fill-block-avx512f.c|${avx2} -mavx512f"
      "randombytes_internal_random.c|-mrdrnd")
    foreach(entry IN LISTS sodium_simd)
      string(REPLACE "|" ";" entry "${entry}")
      list(GET entry 0 file)
      list(GET entry 1 flags)
      separate_arguments(flags UNIX_COMMAND "${flags}")
      file(GLOB_RECURSE simd_file "${sodium_root}/*/${file}")
      if(NOT simd_file)
        message(FATAL_ERROR "libsodium source ${file} not found: not libsodium ${sodium_version}?")
      endif()
      set_source_files_properties(${simd_file} PROPERTIES COMPILE_OPTIONS "${flags}")
    endforeach()
  endif()
endif()
target_compile_definitions(zmq_napi_sodium PRIVATE ${sodium_defines})
if(NOT MSVC)
  # Upstream's own flags that matter for correctness and speed.
  target_compile_options(zmq_napi_sodium PRIVATE
    -fno-strict-aliasing -fno-strict-overflow -fwrapv -w)
endif()
message(STATUS "libsodium ${sodium_version} from source (${LIBSODIUM_SOURCE_DIR}), ${CMAKE_SYSTEM_NAME} ${CMAKE_SYSTEM_PROCESSOR}")
