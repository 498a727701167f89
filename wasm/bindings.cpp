// The C interface the JavaScript package calls (wasm/js/). A few coarse calls,
// each returning a handle, a pointer into wasm memory or a JSON string, so the
// JS side needs no knowledge of C++ layouts. Errors: a null/0 result, with the
// message from mnw_last_error(). Strings returned stay valid until the next
// call on the same session (or, for errors, the next failing call).
#include <emscripten/emscripten.h>
#include <malloc.h>

#include <cstring>
#include <memory>
#include <string>

#include "api/classifier.hpp"
#include "api/json_output.hpp"
#include "model/metadata.hpp"
#include "parallel/thread_pool.hpp"

namespace {

std::string g_last_error;
// The module's threads, shared by every session: a WebAssembly module has a
// fixed set of Web Workers, and JavaScript calls one session at a time.
std::shared_ptr<mnw::ThreadPool> g_thread_pool;

struct Session {
  std::unique_ptr<mnw::Classifier> classifier;
  std::string info;
  std::string result;
};

const char* fail(const mnw::Status& status) {
  g_last_error = status.message();
  return nullptr;
}

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE const char* mnw_last_error() { return g_last_error.c_str(); }

// The kernels this build runs by default: "wasm-simd128" or "reference".
EMSCRIPTEN_KEEPALIVE const char* mnw_kernels() { return mnw::kernel_path_name(mnw::default_kernel_path()); }

// Sets how many threads the sessions created from now on share, the calling
// one included, and returns how many it got: 1 in a build without threads,
// fewer than asked when the module's workers are taken (by sessions created
// with an earlier setting, until they are destroyed).
EMSCRIPTEN_KEEPALIVE int mnw_set_threads(int threads) {
  g_thread_pool = threads > 1 ? std::make_shared<mnw::ThreadPool>(threads) : nullptr;
  return g_thread_pool ? g_thread_pool->threads() : 1;
}

// model: the .tflite bytes; labels: a labels text file (may be null/empty);
// force_reference: 1 runs the scalar reference kernels; crop_fraction: 0 for the default.
EMSCRIPTEN_KEEPALIVE Session* mnw_create(const uint8_t* model, size_t model_size, const char* labels, size_t labels_size,
                                         int force_reference, double crop_fraction) {
  mnw::ClassifierOptions options;
  if (force_reference) options.interpreter.kernel_path = mnw::KernelPath::kReference;
  options.interpreter.thread_pool = g_thread_pool;
  if (crop_fraction > 0.0) {
    if (crop_fraction > 1.0) {
      fail(mnw::invalid_argument("the crop fraction must be in (0, 1]"));
      return nullptr;
    }
    options.preprocess.central_crop_fraction = crop_fraction;
  }
  std::vector<std::string> label_list;
  if (labels != nullptr && labels_size > 0) label_list = mnw::split_label_lines(labels, labels_size);
  auto classifier = mnw::Classifier::load(std::vector<uint8_t>(model, model + model_size), std::move(label_list), options);
  if (!classifier) {
    fail(classifier.status());
    return nullptr;
  }
  auto* session = new Session{std::move(classifier).value(), {}, {}};
  session->info = mnw::model_info_json(*session->classifier);
  return session;
}

EMSCRIPTEN_KEEPALIVE void mnw_destroy(Session* session) { delete session; }

EMSCRIPTEN_KEEPALIVE const char* mnw_info(Session* session) { return session->info.c_str(); }

EMSCRIPTEN_KEEPALIVE uint8_t* mnw_input(Session* session) { return session->classifier->interpreter().input_data(0); }

EMSCRIPTEN_KEEPALIVE const uint8_t* mnw_output(Session* session) {
  return session->classifier->interpreter().output_data(0);
}

EMSCRIPTEN_KEEPALIVE void mnw_invoke(Session* session) { session->classifier->interpreter().invoke(); }

// Classifies an encoded image (JPEG, PNG, ...): JSON array of the top_k.
EMSCRIPTEN_KEEPALIVE const char* mnw_classify_encoded(Session* session, const uint8_t* bytes, size_t size, int top_k) {
  auto result = session->classifier->classify_encoded(bytes, size, top_k);
  if (!result) return fail(result.status());
  session->result = mnw::classifications_json(*result);
  return session->result.c_str();
}

// Classifies width x height RGBA pixels (e.g. canvas ImageData).
EMSCRIPTEN_KEEPALIVE const char* mnw_classify_rgba(Session* session, const uint8_t* rgba, int width, int height,
                                                   int top_k) {
  const size_t size = width > 0 && height > 0 ? static_cast<size_t>(width) * static_cast<size_t>(height) * 4 : 0;
  auto result = session->classifier->classify_rgba(rgba, size, width, height, top_k);
  if (!result) return fail(result.status());
  session->result = mnw::classifications_json(*result);
  return session->result.c_str();
}

// The top_k of the current output (after mnw_invoke on a raw tensor).
EMSCRIPTEN_KEEPALIVE const char* mnw_top_k(Session* session, int top_k) {
  session->result = mnw::classifications_json(session->classifier->top_k(top_k));
  return session->result.c_str();
}

// Times every operator over `runs` runs on the current input (after 3 untimed
// ones): JSON array of {type, output, macs, ms, fusedInto}, ms a mean without the
// fastest and slowest tenth of the runs.
EMSCRIPTEN_KEEPALIVE const char* mnw_profile(Session* session, int runs) {
  session->result = mnw::operator_timings_json(mnw::profile_operators(session->classifier->interpreter(), runs));
  return session->result.c_str();
}

// Bytes currently allocated on the wasm heap: lets tests check that repeated
// calls and load/dispose cycles leak nothing.
EMSCRIPTEN_KEEPALIVE size_t mnw_heap_used() { return mallinfo().uordblks; }

}  // extern "C"
