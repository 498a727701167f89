# Compiler and linker settings that differ between the native and the
# WebAssembly (Emscripten) build. Included after project().

if(EMSCRIPTEN)
  # Debian's emcc finds its JS helpers (acorn) only with NODE_PATH pointing at
  # Debian's node modules; Node from elsewhere does not search there. The
  # launcher sets it for link steps (the only ones that run node), so a plain
  # `cmake --build` works without exporting anything.
  if(EXISTS /usr/share/nodejs/acorn)
    set(CMAKE_CXX_LINKER_LAUNCHER "${CMAKE_COMMAND};-E;env;NODE_PATH=/usr/share/nodejs")
  endif()

  # 128-bit wasm SIMD for xsimd.
  # MNW_WASM_SIMD=OFF builds the scalar fallback for engines without wasm SIMD.
  option(MNW_WASM_SIMD "Build the WebAssembly targets with 128-bit SIMD" ON)
  if(MNW_WASM_SIMD)
    add_compile_options(-msimd128)
    add_link_options(-msimd128)
  else()
    # xsimd 13 assumes wasm SIMD in every Emscripten build; telling it there is
    # none makes the SIMD kernels compile to nothing (see simd_kernels.cpp).
    add_compile_definitions(XSIMD_NO_SUPPORTED_ARCHITECTURE)
  endif()
  # Threads are Web Workers sharing the module's memory: every object file
  # needs atomics (-pthread), and pages need cross-origin isolation to run
  # it. MNW_WASM_THREADS=ON builds that variant; without it the engine runs
  # on the calling thread only (parallel/thread_pool.cpp).
  option(MNW_WASM_THREADS "Build the WebAssembly targets with pthreads" OFF)
  if(MNW_WASM_THREADS)
    add_compile_options(-pthread)
    add_link_options(-pthread)
  endif()
  # Emscripten only lets C++ exceptions be caught when both compile and link
  # ask for it. Catch2 needs that, so the test and CLI side of the build uses
  # it (mnw_engine links this PUBLIC); the browser module (wasm/) does not:
  # the engine reports errors with Status and catching costs speed and size.
  add_library(mnw_wasm_exceptions INTERFACE)
  target_compile_options(mnw_wasm_exceptions INTERFACE -fexceptions)
  target_link_options(mnw_wasm_exceptions INTERFACE -fexceptions)

  find_program(MNW_NODE_EXECUTABLE NAMES node nodejs REQUIRED NO_CMAKE_FIND_ROOT_PATH)
  # Node 18+ exposes a global fetch(), which Emscripten 3.1.6's loader then
  # tries (and fails) to use on the .wasm file path; without it the loader
  # reads the file from disk.
  execute_process(COMMAND "${MNW_NODE_EXECUTABLE}" --no-experimental-fetch -e ""
                  RESULT_VARIABLE _no_fetch_rc OUTPUT_QUIET ERROR_QUIET)
  set(MNW_NODE_COMMAND "${MNW_NODE_EXECUTABLE}")
  if(_no_fetch_rc EQUAL 0)
    list(APPEND MNW_NODE_COMMAND --no-experimental-fetch)
  endif()

  # The repository's package.json says "type": "module", which would make
  # Node load the CommonJS .js files Emscripten emits as ES modules. The
  # nearest package.json wins, so the build tree gets its own.
  file(CONFIGURE OUTPUT "${CMAKE_BINARY_DIR}/package.json"
       CONTENT "{ \"type\": \"commonjs\" }\n")
else()
  # -march=native lets xsimd pick the widest instruction set of this machine
  # (AVX2 where present). Set it empty for a portable binary. PUBLIC, so every
  # target that includes the engine's SIMD headers sees the same architecture.
  set(MNW_NATIVE_ARCH_FLAGS "-march=native" CACHE STRING
      "Architecture flags for the native engine and its users")
  # GCC fuses a*b+c into FMA where -march allows it; wasm never does. The
  # float steps (resize, softmax, dequantize) must round alike everywhere,
  # so that the CLI and the npm package give the same probabilities.
  add_compile_options(-ffp-contract=off)
endif()

# mnw_warnings(TARGET...): the warning flags for the project's own code.
function(mnw_warnings)
  foreach(target IN LISTS ARGN)
    target_compile_options(${target} PRIVATE -Wall -Wextra)
  endforeach()
endfunction()

# mnw_node_executable(TARGET): links a wasm executable to run under Node with
# the host's files visible (the tests read models and images from disk).
function(mnw_node_executable target)
  target_link_options(${target} PRIVATE
    -sENVIRONMENT=node
    -sNODERAWFS=1
    -sALLOW_MEMORY_GROWTH=1
    -sMAXIMUM_MEMORY=4GB
    -sEXIT_RUNTIME=1
    # Emscripten 3.1.6's default, written out because later releases shrink
    # the default to 64 KB.
    -sTOTAL_STACK=5MB
    # Pass the process environment through to getenv() (e.g. MNW_SHARED_DIR).
    "--pre-js=${CMAKE_SOURCE_DIR}/cmake/node-env.pre.js")
  if(MNW_WASM_THREADS)
    # Three workers start with the program (up to 4 threads); a fourth is
    # refused rather than started later, which would deadlock (see wasm/).
    target_link_options(${target} PRIVATE -sPTHREAD_POOL_SIZE=3 -sPTHREAD_POOL_SIZE_STRICT=2)
  endif()
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS
               "${CMAKE_SOURCE_DIR}/cmake/node-env.pre.js")
  set_property(TARGET ${target} PROPERTY CROSSCOMPILING_EMULATOR "${MNW_NODE_COMMAND}")
endfunction()
