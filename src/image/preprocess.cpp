#include "image/preprocess.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <string>

#include "image/canonical.hpp"

namespace mnw {
namespace {

static_assert(std::endian::native == std::endian::little,
              "float tensors are written as little-endian bytes by copying");

Status check_spec(const InputSpec& spec) {
  if (spec.width < 1 || spec.height < 1 ||
      static_cast<int64_t>(spec.width) * spec.height > kMaxResizeOutputPixels) {
    return invalid_argument("image input size " + std::to_string(spec.width) + " x " +
                            std::to_string(spec.height) + " is not a valid image size");
  }
  if (spec.dtype != DType::kUInt8 && spec.dtype != DType::kInt8 && spec.dtype != DType::kFloat32) {
    return unsupported(std::string("image input of type ") + dtype_name(spec.dtype) +
                       " is not supported (expected uint8, int8 or float32)");
  }
  if (spec.dtype == DType::kFloat32 &&
      !(std::isfinite(spec.float_lo) && std::isfinite(spec.float_hi) && spec.float_lo != spec.float_hi)) {
    return invalid_argument("float image input range [" + std::to_string(spec.float_lo) + ", " +
                            std::to_string(spec.float_hi) + "] must be finite and not empty");
  }
  return Status::ok();
}

Status check_image(const Image& image) {
  if (!image.is_consistent()) {
    return invalid_argument("preprocess: image is " + std::to_string(image.width) + " x " +
                            std::to_string(image.height) + " with " + std::to_string(image.rgb.size()) +
                            " bytes of RGB");
  }
  return Status::ok();
}

}  // namespace

PixelRect central_crop(int width, int height, int target_width, int target_height, double fraction) {
  // Largest centred rectangle with the target's aspect ratio.
  double region_width = width, region_height = height;
  if (static_cast<int64_t>(width) * target_height > static_cast<int64_t>(height) * target_width) {
    region_width = static_cast<double>(height) * target_width / target_height;
  } else {
    region_height = static_cast<double>(width) * target_height / target_width;
  }
  PixelRect crop;
  crop.width = std::clamp(static_cast<int>(std::lround(region_width * fraction)), 1, width);
  crop.height = std::clamp(static_cast<int>(std::lround(region_height * fraction)), 1, height);
  crop.x = (width - crop.width) / 2;
  crop.y = (height - crop.height) / 2;
  return crop;
}

Result<std::vector<uint8_t>> to_input_tensor(const Image& sized, const InputSpec& spec) {
  MNW_RETURN_IF_ERROR(check_spec(spec));
  MNW_RETURN_IF_ERROR(check_image(sized));
  if (sized.width != spec.width || sized.height != spec.height) {
    return invalid_argument("image is " + std::to_string(sized.width) + " x " + std::to_string(sized.height) +
                            " but the input needs " + std::to_string(spec.width) + " x " +
                            std::to_string(spec.height));
  }
  const std::vector<uint8_t>& bytes = sized.rgb;
  switch (spec.dtype) {
    case DType::kUInt8:
      return bytes;
    case DType::kInt8: {
      std::vector<uint8_t> tensor(bytes.size());
      // byte - 128 as int8 has the bit pattern byte XOR 0x80.
      std::transform(bytes.begin(), bytes.end(), tensor.begin(),
                     [](uint8_t v) { return static_cast<uint8_t>(v ^ 0x80); });
      return tensor;
    }
    case DType::kFloat32: {
      const double lo = spec.float_lo, hi = spec.float_hi;
      std::array<float, 256> value_of_byte;
      for (int v = 0; v < 256; ++v) {
        value_of_byte[static_cast<size_t>(v)] = static_cast<float>(lo + v * (hi - lo) / 255);
      }
      std::vector<uint8_t> tensor(bytes.size() * sizeof(float));
      uint8_t* out = tensor.data();
      for (uint8_t v : bytes) {
        std::memcpy(out, &value_of_byte[v], sizeof(float));
        out += sizeof(float);
      }
      return tensor;
    }
    default:
      break;  // rejected by check_spec
  }
  return unsupported(std::string("image input of type ") + dtype_name(spec.dtype) + " is not supported");
}

Result<std::vector<uint8_t>> preprocess(const Image& image, const InputSpec& spec,
                                        const PreprocessOptions& options) {
  MNW_RETURN_IF_ERROR(check_spec(spec));
  MNW_RETURN_IF_ERROR(check_image(image));
  if (options.mode == PreprocessMode::kCanonical) {
    Result<Image> sized = canonical_crop_resize(image, spec.width, spec.height);
    if (!sized) return sized.status();
    return to_input_tensor(*sized, spec);
  }
  const double fraction = options.central_crop_fraction;
  if (!(fraction > 0.0 && fraction <= 1.0)) {
    return invalid_argument("central_crop_fraction must be in (0, 1], got " + std::to_string(fraction));
  }
  const PixelRect crop = central_crop(image.width, image.height, spec.width, spec.height, fraction);
  Result<Image> sized = resize_region(image, crop, spec.width, spec.height);
  if (!sized) return sized.status();
  return to_input_tensor(*sized, spec);
}

}  // namespace mnw
