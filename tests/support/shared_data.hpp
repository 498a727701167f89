// Locating the project's shared data (models, images, golden tensors), which
// lives beside the repository and may be absent: tests that need it SKIP.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mnw::test {

// $MNW_SHARED_DIR if set, else MNW_SOURCE_DIR "/../shared"; nullopt unless the
// directory exists.
std::optional<std::string> shared_dir();

// The whole file, or nullopt when it cannot be opened or read.
std::optional<std::vector<uint8_t>> read_file_bytes(const std::string& path);

}  // namespace mnw::test
