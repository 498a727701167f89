#include "image/decode.hpp"

#include <climits>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>

#include "image/exif.hpp"
#include "image/jpeg_segments.hpp"
#include "image/stb_image_config.hpp"

namespace mnw {
namespace {

constexpr const char* kSupportedList = "JPEG, PNG, BMP, GIF, TGA or PNM";

enum class Format { kUnknown, kJpeg, kPng, kBmp, kGif, kPnm, kUnsupported };

struct Sniffed {
  Format format = Format::kUnknown;
  const char* name = "image";  // for messages; names the format when it is recognised
};

bool starts_with(const uint8_t* bytes, size_t size, const char* magic, size_t magic_size) {
  return size >= magic_size && std::memcmp(bytes, magic, magic_size) == 0;
}

// stb's test for JPEG: 0xFF, any number of 0xFF fill bytes, then SOI (0xD8).
bool is_jpeg(const uint8_t* bytes, size_t size) {
  if (size < 2 || bytes[0] != 0xFF) return false;
  size_t pos = 1;
  while (pos < size && bytes[pos] == 0xFF) ++pos;
  return pos < size && bytes[pos] == 0xD8;
}

// Recognises formats by their signature. TGA has none: stb finds it by
// plausibility, so it stays kUnknown here. Formats people commonly have but
// stb cannot read are named so the error can say what to do.
Sniffed sniff_format(const uint8_t* b, size_t n) {
  auto is = [&](const char* magic, size_t magic_size) { return starts_with(b, n, magic, magic_size); };
  if (is_jpeg(b, n)) return {Format::kJpeg, "JPEG"};
  if (is("\x89PNG\r\n\x1A\n", 8)) return {Format::kPng, "PNG"};
  if (is("GIF87a", 6) || is("GIF89a", 6)) return {Format::kGif, "GIF"};
  if (is("BM", 2)) return {Format::kBmp, "BMP"};
  if (is("P5", 2) || is("P6", 2)) return {Format::kPnm, "PNM"};
  if (is("P1", 2) || is("P2", 2) || is("P3", 2) || is("P4", 2)) {
    return {Format::kUnsupported, "ASCII or 1-bit PNM (P1-P4)"};
  }
  if (n >= 12 && std::memcmp(b, "RIFF", 4) == 0 && std::memcmp(b + 8, "WEBP", 4) == 0) {
    return {Format::kUnsupported, "WebP"};
  }
  if (n >= 12 && std::memcmp(b + 4, "ftyp", 4) == 0) return {Format::kUnsupported, "HEIF/AVIF"};
  if (is("II*\0", 4) || is("MM\0*", 4)) return {Format::kUnsupported, "TIFF"};
  if (is("8BPS", 4)) return {Format::kUnsupported, "Photoshop PSD"};
  if (is("#?RADIANCE\n", 11) || is("#?RGBE\n", 7)) return {Format::kUnsupported, "Radiance HDR"};
  if (is("\xFF\x0A", 2) || is("\0\0\0\x0CJXL ", 8)) return {Format::kUnsupported, "JPEG XL"};
  return {};
}

// Checks the numbers of a PNM header (width, height, maximum sample value),
// scanned the way stb scans them: whitespace and '#' comments to the end of
// the line separate them. stb 2.27 accumulates them in an int without an
// overflow check (undefined past 9 digits), and reads 16-bit samples (maximum
// value over 255) in the wrong byte order, then converts them past the end of
// its buffer, so those files are refused here.
Status check_pnm_header(const uint8_t* bytes, size_t size) {
  auto is_space = [](uint8_t c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  constexpr size_t kMaxDigits = 9;
  size_t pos = 2;  // after "P5" or "P6"
  int64_t number = 0;
  for (int index = 0; index < 3; ++index) {
    while (pos < size) {
      if (is_space(bytes[pos])) {
        ++pos;
      } else if (bytes[pos] == '#') {
        while (pos < size && bytes[pos] != '\n' && bytes[pos] != '\r') ++pos;
      } else {
        break;
      }
    }
    size_t digits = 0;
    number = 0;
    for (; pos < size && bytes[pos] >= '0' && bytes[pos] <= '9'; ++pos, ++digits) {
      if (digits == kMaxDigits) return invalid_image("corrupt PNM header: a number has more than 9 digits");
      number = number * 10 + (bytes[pos] - '0');
    }
  }
  if (number > 255) {
    return invalid_image("16-bit PNM images are not supported (maximum sample value " + std::to_string(number) +
                         "); convert it to PNG first");
  }
  return Status::ok();
}

bool may_have_alpha(Format format) {
  return format != Format::kJpeg && format != Format::kPnm;
}

// stb's short failure reason, in words, as ": reason" for an error message;
// empty when stb only knows it found no format it could read.
std::string stb_failure_detail() {
  const char* reason = stbi_failure_reason();
  if (reason == nullptr || std::strcmp(reason, "unknown image type") == 0) return "";
  if (std::strcmp(reason, "too large") == 0) return ": it is too large to decode";
  if (std::strcmp(reason, "outofmem") == 0) return ": it needs more memory than its dimensions justify";
  if (std::strcmp(reason, "outofdata") == 0) return ": the data ends early";
  return std::string(": stb_image: ") + reason;
}

std::string megapixels(int64_t pixels) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", static_cast<double>(pixels) / 1e6);
  return text;
}

Status check_dimensions(int64_t width, int64_t height, int64_t max_pixels) {
  if (width <= 0 || height <= 0) {
    return invalid_image("image is " + std::to_string(width) + " x " + std::to_string(height) +
                         " pixels; both sides must be at least 1");
  }
  if (width > STBI_MAX_DIMENSIONS || height > STBI_MAX_DIMENSIONS) {
    return invalid_image("image is " + std::to_string(width) + " x " + std::to_string(height) +
                         " pixels; sides over " + std::to_string(STBI_MAX_DIMENSIONS) + " are not supported");
  }
  const int64_t pixels = width * height;
  if (pixels > max_pixels) {
    return invalid_image("image is " + std::to_string(width) + " x " + std::to_string(height) +
                         " = " + megapixels(pixels) + " megapixels, over the limit of " +
                         megapixels(max_pixels) + " megapixels");
  }
  return Status::ok();
}

Status check_options(const DecodeOptions& options) {
  if (options.max_pixels < 1 || options.max_pixels > DecodeOptions::kLargestMaxPixels) {
    return invalid_argument("DecodeOptions::max_pixels must be between 1 and " +
                            std::to_string(DecodeOptions::kLargestMaxPixels) + ", got " +
                            std::to_string(options.max_pixels));
  }
  return Status::ok();
}

uint32_t read_u32_be(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 |
         static_cast<uint32_t>(p[2]) << 8 | p[3];
}

struct Dimensions {
  int64_t width = 0;
  int64_t height = 0;
};

// The dimensions a PNG or JPEG header declares, read without stb. stb's header
// check refuses images too large to decode without saying how large they are;
// with these the error can give the size and the limit instead.
std::optional<Dimensions> declared_dimensions(Format format, const uint8_t* bytes, size_t size) {
  if (format == Format::kPng) {
    // Signature, then the IHDR chunk: length, type, width, height.
    if (size < 24 || std::memcmp(bytes + 12, "IHDR", 4) != 0) return std::nullopt;
    return Dimensions{read_u32_be(bytes + 16), read_u32_be(bytes + 20)};
  }
  if (format == Format::kJpeg) {
    // Start of frame (SOF0..SOF15 but DHT, JPG and DAC): precision, height, width.
    const std::optional<JpegSegment> frame = find_jpeg_segment(bytes, size, [](const JpegSegment& s) {
      return s.marker >= 0xC0 && s.marker <= 0xCF && s.marker != 0xC4 && s.marker != 0xC8 &&
             s.marker != 0xCC && s.size >= 5;
    });
    if (!frame) return std::nullopt;
    return Dimensions{frame->payload[3] << 8 | frame->payload[4], frame->payload[1] << 8 | frame->payload[2]};
  }
  return std::nullopt;
}

// The largest single allocation stb may make to decode an image of this size:
// 16 bytes per pixel (16-bit RGBA PNG data, 8 bytes per pixel, in a zlib
// buffer that grows by doubling), with room for JPEG's MCU padding, a copy of
// the compressed data, and fixed-size decoder state.
size_t decode_allocation_cap(int width, int height, size_t file_size) {
  const uint64_t padded_pixels = (static_cast<uint64_t>(width) + 32) * (static_cast<uint64_t>(height) + 32);
  const uint64_t cap = 16 * padded_pixels + 2 * static_cast<uint64_t>(file_size) + (uint64_t{1} << 20);
  return cap > SIZE_MAX ? SIZE_MAX : static_cast<size_t>(cap);
}

// Reading a header allocates only decoder state (a JPEG's tables, some KiB).
constexpr size_t kHeaderAllocationCap = size_t{1} << 20;

uint8_t blend(uint8_t colour, uint8_t alpha, uint8_t background) {
  const int mixed = colour * alpha + background * (255 - alpha);
  return static_cast<uint8_t>((mixed + 127) / 255);
}

// Converts RGBA pixels to RGB, handling alpha per `mode`.
void rgba_to_rgb(const uint8_t* rgba, size_t pixel_count, AlphaMode mode, Rgb background,
                 uint8_t* rgb) {
  for (size_t i = 0; i < pixel_count; ++i, rgba += 4, rgb += 3) {
    if (mode == AlphaMode::kDiscard) {
      std::memcpy(rgb, rgba, 3);
    } else {
      rgb[0] = blend(rgba[0], rgba[3], background.r);
      rgb[1] = blend(rgba[1], rgba[3], background.g);
      rgb[2] = blend(rgba[2], rgba[3], background.b);
    }
  }
}

struct StbFree {
  void operator()(uint8_t* pixels) const { stbi_image_free(pixels); }
};

}  // namespace

Result<Image> decode_image(const uint8_t* bytes, size_t size, const DecodeOptions& options) {
  MNW_RETURN_IF_ERROR(check_options(options));
  if (bytes == nullptr || size == 0) return invalid_image("image data is empty");
  if (size > static_cast<size_t>(INT_MAX)) {
    return invalid_image("image file is " + std::to_string(size) + " bytes, over the 2 GiB limit");
  }
  const Sniffed sniffed = sniff_format(bytes, size);
  if (sniffed.format == Format::kUnsupported) {
    return invalid_image(std::string(sniffed.name) + " images are not supported (expected " +
                         kSupportedList + "); convert it to JPEG or PNG first");
  }
  if (sniffed.format == Format::kJpeg) {
    const char* problem = jpeg_huffman_problem(bytes, size);
    if (problem != nullptr) return invalid_image(std::string("corrupt JPEG: ") + problem);
  }
  if (sniffed.format == Format::kPnm) MNW_RETURN_IF_ERROR(check_pnm_header(bytes, size));
  const int byte_count = static_cast<int>(size);

  int width = 0, height = 0, header_channels = 0;
  int header_ok;
  {
    image_detail::StbAllocationCap cap(kHeaderAllocationCap);
    header_ok = stbi_info_from_memory(bytes, byte_count, &width, &height, &header_channels);
  }
  if (!header_ok) {
    if (sniffed.format == Format::kUnknown) {
      return invalid_image(std::string("not a recognised image format (expected ") + kSupportedList + ")");
    }
    const std::optional<Dimensions> declared = declared_dimensions(sniffed.format, bytes, size);
    if (declared) MNW_RETURN_IF_ERROR(check_dimensions(declared->width, declared->height, options.max_pixels));
    return invalid_image(std::string("corrupt or unsupported ") + sniffed.name + " header" + stb_failure_detail());
  }
  MNW_RETURN_IF_ERROR(check_dimensions(width, height, options.max_pixels));

  // Request RGBA only when there is alpha to composite; stb's RGBA to RGB
  // conversion itself discards alpha.
  const bool composite = options.alpha == AlphaMode::kComposite && may_have_alpha(sniffed.format);
  const int requested_channels = composite ? 4 : 3;
  int decoded_width = 0, decoded_height = 0, file_channels = 0;
  std::unique_ptr<uint8_t, StbFree> pixels;
  {
    image_detail::StbAllocationCap cap(decode_allocation_cap(width, height, size));
    pixels.reset(stbi_load_from_memory(bytes, byte_count, &decoded_width, &decoded_height, &file_channels,
                                       requested_channels));
  }
  const char* format_name = sniffed.format == Format::kUnknown ? "TGA" : sniffed.name;
  if (!pixels) {
    return invalid_image(std::string("corrupt or truncated ") + format_name + stb_failure_detail());
  }
  if (decoded_width != width || decoded_height != height) {
    return invalid_image(std::string("corrupt ") + format_name + ": header says " + std::to_string(width) +
                         " x " + std::to_string(height) + " but the data decodes to " +
                         std::to_string(decoded_width) + " x " + std::to_string(decoded_height));
  }

  Image image;
  image.width = width;
  image.height = height;
  const size_t pixel_count = static_cast<size_t>(width) * static_cast<size_t>(height);
  image.rgb.resize(pixel_count * 3);
  if (composite) {
    rgba_to_rgb(pixels.get(), pixel_count, AlphaMode::kComposite, options.background, image.rgb.data());
  } else {
    std::memcpy(image.rgb.data(), pixels.get(), image.rgb.size());
  }
  pixels.reset();

  if (options.apply_exif_orientation && sniffed.format == Format::kJpeg) {
    const int orientation = read_jpeg_exif_orientation(bytes, size);
    if (orientation != 1) image = apply_exif_orientation(image, orientation);
  }
  return image;
}

Result<Image> from_rgba(const uint8_t* rgba, size_t size, int width, int height,
                        const DecodeOptions& options) {
  MNW_RETURN_IF_ERROR(check_options(options));
  MNW_RETURN_IF_ERROR(check_dimensions(width, height, options.max_pixels));
  const uint64_t expected = static_cast<uint64_t>(width) * static_cast<uint64_t>(height) * 4;
  if (rgba == nullptr || size != expected) {
    return invalid_image("RGBA pixels for " + std::to_string(width) + " x " + std::to_string(height) +
                         " must be " + std::to_string(expected) + " bytes, got " +
                         std::to_string(rgba == nullptr ? 0 : size));
  }
  Image image;
  image.width = width;
  image.height = height;
  const size_t pixel_count = static_cast<size_t>(width) * static_cast<size_t>(height);
  image.rgb.resize(pixel_count * 3);
  rgba_to_rgb(rgba, pixel_count, options.alpha, options.background, image.rgb.data());
  return image;
}

}  // namespace mnw
