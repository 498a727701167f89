// libFuzzer target: any bytes through decode_image (format sniffing, the
// pre-checks in front of stb_image, stb itself, EXIF orientation), which
// must return either a consistent image or an invalid-image error. Run by
// scripts/fuzz.sh image with AddressSanitizer and UndefinedBehaviorSanitizer.
//
// The pixel limit keeps each input cheap: a header may claim any size, and
// the decoder must refuse it before allocating.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "image/decode.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mnw::DecodeOptions options;
  options.max_pixels = 1 << 20;
  const mnw::Result<mnw::Image> image = mnw::decode_image(data, size, options);
  if (image.is_ok() ? !image->is_consistent() : image.status().code() != mnw::ErrorCode::kInvalidImage) {
    std::abort();
  }
  return 0;
}
