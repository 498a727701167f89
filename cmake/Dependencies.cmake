# Third-party dependencies: an installed package is preferred; otherwise the
# copies that scripts/setup-deps.sh fetched into MNW_DEPS_DIR are used.

set(MNW_DEPS_DIR "${CMAKE_SOURCE_DIR}/build/_deps" CACHE PATH
    "Where scripts/setup-deps.sh puts fetched dependencies")
set(_mnw_setup_hint "run 'bash scripts/setup-deps.sh' first")

# --- xsimd 13 (header-only) --------------------------------------------------
# Under Emscripten's toolchain find_package only searches the wasm sysroot, so
# the wasm build normally takes the fetched copy.
find_package(xsimd 13 QUIET)
if(NOT TARGET xsimd)
  find_path(MNW_XSIMD_INCLUDE_DIR xsimd/xsimd.hpp
            PATHS "${MNW_DEPS_DIR}/xsimd/usr/include"
            NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH)
  if(NOT MNW_XSIMD_INCLUDE_DIR)
    message(FATAL_ERROR "xsimd 13 not found: ${_mnw_setup_hint}")
  endif()
  add_library(xsimd INTERFACE IMPORTED)
  target_include_directories(xsimd SYSTEM INTERFACE "${MNW_XSIMD_INCLUDE_DIR}")
  message(STATUS "xsimd: ${MNW_XSIMD_INCLUDE_DIR}")
else()
  message(STATUS "xsimd: installed package ${xsimd_VERSION}")
endif()

# --- stb (header-only; Debian's libstb-dev puts it in /usr/include/stb) -------
# The headers are plain portable C, so the host's copy serves the wasm build
# too; Emscripten's toolchain searches only its sysroot, hence the explicit
# host paths and NO_CMAKE_FIND_ROOT_PATH.
find_path(MNW_STB_INCLUDE_DIR stb_image.h
          PATH_SUFFIXES stb
          PATHS /usr/local/include /usr/include
          NO_CMAKE_FIND_ROOT_PATH)
if(NOT MNW_STB_INCLUDE_DIR)
  message(FATAL_ERROR "stb_image.h not found: ${_mnw_setup_hint} (Debian package libstb-dev)")
endif()
add_library(mnw_stb INTERFACE)
target_include_directories(mnw_stb SYSTEM INTERFACE "${MNW_STB_INCLUDE_DIR}")

# --- Catch2 v3 ----------------------------------------------------------------
# Tests include <catch_amalgamated.hpp>. Natively an installed Catch2 (3.3+,
# for SKIP) is used through a one-line header of that name; the wasm build
# always compiles the amalgamated sources, as installed Catch2 libraries are
# host code.
add_library(mnw_catch2 INTERFACE)
if(NOT EMSCRIPTEN)
  find_package(Catch2 3.3 QUIET)
endif()
if(TARGET Catch2::Catch2WithMain)
  set(_shim_dir "${CMAKE_BINARY_DIR}/catch2-shim")
  file(CONFIGURE OUTPUT "${_shim_dir}/catch_amalgamated.hpp"
       CONTENT "// Generated: maps the amalgamated header onto an installed Catch2.\n#pragma once\n#include <catch2/catch_all.hpp>\n")
  target_include_directories(mnw_catch2 INTERFACE "${_shim_dir}")
  target_link_libraries(mnw_catch2 INTERFACE Catch2::Catch2WithMain)
  message(STATUS "Catch2: installed package ${Catch2_VERSION}")
else()
  set(_catch2_dir "${MNW_DEPS_DIR}/catch2")
  if(NOT EXISTS "${_catch2_dir}/catch_amalgamated.cpp")
    message(FATAL_ERROR "Catch2 amalgamated sources not found in ${_catch2_dir}: ${_mnw_setup_hint}")
  endif()
  # Built once as its own library (it is large) and without the project's
  # warning flags; its main() comes from the amalgamated source.
  add_library(mnw_catch2_amalgamated STATIC "${_catch2_dir}/catch_amalgamated.cpp")
  target_include_directories(mnw_catch2_amalgamated SYSTEM PUBLIC "${_catch2_dir}")
  target_compile_features(mnw_catch2_amalgamated PUBLIC cxx_std_20)
  if(EMSCRIPTEN)
    target_link_libraries(mnw_catch2_amalgamated PUBLIC mnw_wasm_exceptions)
  endif()
  target_link_libraries(mnw_catch2 INTERFACE mnw_catch2_amalgamated)
  message(STATUS "Catch2: amalgamated sources in ${_catch2_dir}")
endif()
