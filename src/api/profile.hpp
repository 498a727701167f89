// Per-operator timing of an Interpreter, shared by `mobilenet bench --profile`
// and the wasm bridge (the JavaScript profile()), so the browser shows the
// same table the CLI prints.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "api/interpreter.hpp"

namespace mnw {

struct OperatorTiming {
  std::string type;    // "CONV_2D", ...
  Shape output;        // shape of the operator's first output
  int64_t macs = 0;    // multiply-accumulates (convolutions and FULLY_CONNECTED), else 0
  double ms = 0.0;     // mean over the runs, fastest and slowest tenth left out
  int fused_into = -1; // another operator runs this one (Interpreter::fused_into)
};

// Multiply-accumulates of a convolution-like operator, 0 for the others.
int64_t operator_macs(const Model& model, const OperatorInfo& op);

// Runs the interpreter on its current input `warmup + runs` times and returns
// each operator's time (see OperatorTiming::ms) over the last `runs`. The clock is read between
// operators, so the times include one clock read each.
std::vector<OperatorTiming> profile_operators(Interpreter& engine, int runs, int warmup = 3);

}  // namespace mnw
