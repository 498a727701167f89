#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>

#include "cli/cli.hpp"

namespace mnw::cli {

Args::Args(const std::vector<std::string>& argv, const std::vector<std::string>& flags) {
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a.rfind("--", 0) != 0 || a == "--") {
      positional_.push_back(a);
      continue;
    }
    const size_t eq = a.find('=');
    std::string name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    if (eq != std::string::npos) {
      options_.emplace_back(name, a.substr(eq + 1));
    } else if (std::find(flags.begin(), flags.end(), name) != flags.end()) {
      options_.emplace_back(name, "");
    } else if (i + 1 < argv.size()) {
      options_.emplace_back(name, argv[++i]);
    } else if (error_.empty()) {
      error_ = "option --" + name + " needs a value";
    }
  }
}

std::optional<std::string> Args::value(const std::string& name) const {
  for (const auto& [k, v] : options_) {
    if (k == name) return v;
  }
  return std::nullopt;
}

bool Args::flag(const std::string& name) const { return value(name).has_value(); }

int Args::int_value(const std::string& name, int fallback) const {
  const auto v = value(name);
  if (!v) return fallback;
  try {
    size_t used = 0;
    const int n = std::stoi(*v, &used);
    return used == v->size() ? n : fallback;
  } catch (...) {
    return fallback;
  }
}

Status Args::check_known(const std::vector<std::string>& known) const {
  if (!error_.empty()) return invalid_argument(error_);
  for (const auto& [k, v] : options_) {
    if (std::find(known.begin(), known.end(), k) == known.end()) return invalid_argument("unknown option --" + k);
  }
  return Status::ok();
}

Result<std::vector<uint8_t>> read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return io_error("cannot open '" + path + "'");
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (file.bad()) return io_error("cannot read '" + path + "'");
  return bytes;
}

Status write_file(const std::string& path, const uint8_t* data, size_t size) {
  std::ofstream file(path, std::ios::binary);
  if (!file) return io_error("cannot create '" + path + "'");
  file.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!file) return io_error("cannot write '" + path + "'");
  return Status::ok();
}

int fail(const Status& status) {
  std::fprintf(stderr, "mobilenet: %s\n", status.message().c_str());
  return 1;
}

int usage_error(const std::string& message) {
  std::fprintf(stderr, "mobilenet: %s\nRun 'mobilenet --help' for usage.\n", message.c_str());
  return 2;
}

}  // namespace mnw::cli
