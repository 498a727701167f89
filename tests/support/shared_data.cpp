#include "shared_data.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

#ifndef MNW_SOURCE_DIR
#error "the build must define MNW_SOURCE_DIR as the repository root"
#endif

namespace mnw::test {

std::optional<std::string> shared_dir() {
  const char* from_environment = std::getenv("MNW_SHARED_DIR");
  std::string dir = from_environment != nullptr && *from_environment != '\0'
                        ? std::string(from_environment)
                        : std::string(MNW_SOURCE_DIR "/../shared");
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) return std::nullopt;
  return dir;
}

std::optional<std::vector<uint8_t>> read_file_bytes(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) return std::nullopt;
  std::vector<uint8_t> bytes;
  uint8_t chunk[1 << 16];
  size_t got;
  while ((got = std::fread(chunk, 1, sizeof chunk, file.get())) > 0) bytes.insert(bytes.end(), chunk, chunk + got);
  if (std::ferror(file.get())) return std::nullopt;
  return bytes;
}

}  // namespace mnw::test
