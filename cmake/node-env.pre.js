// Linked into wasm executables that run under Node (see cmake/Toolchain.cmake).
// Emscripten gives getenv() a fixed, made-up environment; copy Node's real
// one in before main() so the tests honour variables such as MNW_SHARED_DIR.
Module['preRun'] = Module['preRun'] || [];
Module['preRun'].push(function () {
  if (typeof ENV === 'object' && typeof process === 'object') {
    Object.assign(ENV, process.env);
  }
});
