// The `mobilenet` command-line tool: one function per verb, sharing a tiny
// argument parser and file helpers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.hpp"

namespace mnw::cli {

// Options and positional arguments of one verb: "--name value", "--flag".
class Args {
 public:
  // `flags` lists the options that take no value.
  Args(const std::vector<std::string>& argv, const std::vector<std::string>& flags);
  std::optional<std::string> value(const std::string& name) const;
  bool flag(const std::string& name) const;
  int int_value(const std::string& name, int fallback) const;
  const std::vector<std::string>& positional() const { return positional_; }
  // Unknown or malformed options, reported by the verb as a usage error.
  const std::string& error() const { return error_; }
  // Fails unless every given option is one of `known`.
  Status check_known(const std::vector<std::string>& known) const;

 private:
  std::vector<std::pair<std::string, std::string>> options_;
  std::vector<std::string> positional_;
  std::string error_;
};

Result<std::vector<uint8_t>> read_file(const std::string& path);
Status write_file(const std::string& path, const uint8_t* data, size_t size);

int run_command(const Args& args);    // run a model on a raw input tensor
int info_command(const Args& args);   // describe a model
int dump_command(const Args& args);   // write every intermediate tensor
int bench_command(const Args& args);  // latency per model, reference vs SIMD
int classify_command(const Args& args);  // top-k classes of photos
int eval_command(const Args& args);      // top-1/top-5 accuracy over a labelled folder

// Prints "mobilenet: <message>" to stderr and returns exit code 1.
int fail(const Status& status);
int usage_error(const std::string& message);

}  // namespace mnw::cli
