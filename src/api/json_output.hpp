// JSON descriptions shared by the CLI (--json) and the wasm bridge, so both
// speak the same field names.
#pragma once

#include <string>
#include <vector>

#include "api/classifier.hpp"
#include "api/profile.hpp"

namespace mnw {

// [{"index": 653, "label": "military uniform", "probability": 0.8594}, ...]
std::string classifications_json(const std::vector<Classification>& results);

// {"inputs": [{"name", "shape", "dtype", "scale", "zeroPoint", "bytes"}], "outputs": [...],
//  "width", "height", "classes", "labels": bool, "ops": {"CONV_2D": 15, ...},
//  "kernels": "wasm-simd128", "arenaBytes", "tableBytes", "description"}
std::string model_info_json(const Classifier& classifier);

// [{"type": "CONV_2D", "output": [1,112,112,16], "macs", "ms", "fusedInto": -1}, ...]
std::string operator_timings_json(const std::vector<OperatorTiming>& timings);

}  // namespace mnw
