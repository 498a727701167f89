// Writing JSON text: the CLI's --json output and the wasm bridge's results.
#pragma once

#include <string>
#include <string_view>

namespace mnw {

// `s` as a JSON string literal, quotes included.
std::string json_quote(std::string_view s);

}  // namespace mnw
