#include "kernels/simd/conv_2d.hpp"

#include "kernels/simd/xsimd_extensions.hpp"
#if MNW_SIMD_KERNELS

#include <algorithm>
#include <cstring>

#include "kernels/simd/requantize.hpp"

namespace mnw::simd {
namespace {

constexpr size_t kTileRows = 4;
constexpr size_t kTileChannels = 2 * kLanes;
// Bytes of packed A per block: with a weight tile, stays in L1.
constexpr size_t kBlockBytes = 16 * 1024;

size_t round_up(size_t n, size_t m) { return (n + m - 1) / m * m; }

// Packs output channel oc's k filter values, each mapped by f, into weight
// tiles of kTileChannels channels: tile, then k pair, then which of the
// tile's two vectors, then lane pair. Returns the channel's bias with the
// input zero point folded in: bias - zero_point * sum_k W.
template <class W, class F>
int32_t pack_channel(const ConvDesc& d, size_t oc, size_t k, W* weights, F f) {
  const size_t pairs = (k + 1) / 2;
  const int16_t* src = d.filter.data() + oc * k;
  W* dst = weights + (oc / kTileChannels) * pairs * 2 * kTileChannels + (oc % kTileChannels / kLanes) * kLanes16 +
           oc % kLanes * 2;
  uint32_t sum = 0;
  for (size_t i = 0; i < k; ++i) {
    dst[i / 2 * 2 * kLanes16 + i % 2] = f(src[i]);
    sum += static_cast<uint32_t>(src[i]);
  }
  return static_cast<int32_t>(static_cast<uint32_t>(d.bias[oc]) - static_cast<uint32_t>(d.input_zero_point) * sum);
}

// Half kHalf of `bytes` (one row of a tile) to dst, `channels` of it.
template <int kHalf, class T>
void store_row(T* dst, xsimd::batch<T, Arch> bytes, size_t channels) {
  if (channels == kTileChannels) return store_half<kHalf>(dst, bytes);
  T row[kTileChannels];
  store_half<kHalf>(row, bytes);
  std::memcpy(dst, row, channels * sizeof(T));
}

// acc[r] = bias + row r of a group of A times one weight tile; the group
// holds each k-pair of its kRows rows side by side, [pair][row], so that the
// broadcasts of one k-pair read one address plus constants. A function of
// its own: V8 allocates registers per function, and spills the accumulators
// inside the loop when the requantization shares it (measured: 1.5x slower
// on large K).
template <size_t kRows>
__attribute__((noinline)) void accumulate(const int32_t* a, size_t pairs, const int16_t* w, const int32_t* bias,
                                          I32 (&acc)[kRows][2]) {
  const I32 bias_lo = I32::load_aligned(bias), bias_hi = I32::load_aligned(bias + kLanes);
  I32 sum[kRows][2];
  for (size_t r = 0; r < kRows; ++r) {
    sum[r][0] = bias_lo;
    sum[r][1] = bias_hi;
  }
  // Pointers advanced by hand: Emscripten runs LLVM without loop strength
  // reduction, and V8 then recomputes every address from the index. Not
  // unrolled: V8 hoists the second step's loads and runs out of registers.
  for (const int32_t* end = a + pairs * kRows; a != end; a += kRows, w += 2 * kLanes16) {
    const I16 w_lo = I16::load_aligned(w), w_hi = I16::load_aligned(w + kLanes16);
    for (size_t r = 0; r < kRows; ++r) {
      const I16 x = xsimd::bitwise_cast<int16_t>(I32(a[r]));
      sum[r][0] += dot_i16(x, w_lo);
      sum[r][1] += dot_i16(x, w_hi);
    }
  }
  for (size_t r = 0; r < kRows; ++r) {
    acc[r][0] = sum[r][0];
    acc[r][1] = sum[r][1];
  }
}

// A group of A times one weight tile, requantized and stored to
// out + r * out_stride, `channels` (<= kTileChannels) of each row.
template <size_t kRows, Epilogue E, class T>
void gemm_tile(const int32_t* a, size_t pairs, const int16_t* w, const int32_t* bias, const RequantView& q,
               const OutputClamp<T>& clamp, size_t oc, T* out, size_t out_stride, size_t channels) {
  I32 acc[kRows][2];
  accumulate<kRows>(a, pairs, w, bias, acc);
  const auto row = [&](size_t r) {
    return requantize_pair<E>(q, acc[r][0], acc[r][1], oc);
  };
  // Two rows per byte vector, each pair requantized and stored before the next.
  for (size_t r = 0; r + 1 < kRows; r += 2) {
    const auto bytes = clamp(row(r), row(r + 1));
    store_row<0>(out + r * out_stride, bytes, channels);
    store_row<1>(out + (r + 1) * out_stride, bytes, channels);
  }
  if constexpr (kRows % 2 != 0) {
    const I16 last = row(kRows - 1);
    store_row<0>(out + (kRows - 1) * out_stride, clamp(last, last), channels);
  }
}

class Conv2D final : public ConvKernel {
 public:
  explicit Conv2D(const ConvDesc& d);
  // A unit is a group of kTileRows output pixels (A rows).
  size_t work_units() const override { return round_up(rows_, kTileRows) / kTileRows; }
  void run_units(const void* input, void* output, size_t begin, size_t end, int thread) const override;
  const char* name() const override { return "simd conv_2d"; }

 private:
  // The output pixel of an A row, stepped along with it (no divisions).
  struct Pixel {
    int batch = 0, y = 0, x = 0;
  };
  Pixel pixel_of(size_t row) const {
    const size_t per_image = static_cast<size_t>(g_.out_h) * g_.out_w;
    const size_t in_image = row % per_image;
    return {static_cast<int>(row / per_image), static_cast<int>(in_image / g_.out_w),
            static_cast<int>(in_image % g_.out_w)};
  }
  Pixel next(Pixel p) const {
    if (++p.x == g_.out_w) {
      p.x = 0;
      if (++p.y == g_.out_h) {
        p.y = 0;
        ++p.batch;
      }
    }
    return p;
  }
  // One thread's scratch: the packed A of its current block, in groups of
  // kTileRows rows (plus kASlack for whole-vector stores past the last
  // one), and one group's rows before transposition: pointwise rows as
  // int16, other rows as their taps (bytes).
  struct Scratch {
    int32_t* a;
    int16_t* rows;
    unsigned char* taps;
  };
  Scratch scratch(int thread) const {
    const auto t = static_cast<size_t>(thread);
    return {a_.data() + t * (block_rows_ * pairs_ + kASlack), row_.data() + t * kTileRows * row_stride_,
            taps_.data() + t * kTileRows * taps_stride_};
  }
  template <class T>
  void pack_group(const T* input, const T* input_end, size_t first_row, size_t rows, Pixel& at, int32_t* group,
                  Scratch scratch) const;
  template <class T>
  void pack_pointwise_row(const T* input, const T* input_end, size_t row, int16_t* dst) const;
  template <class T>
  void pack_taps(const T* input, const T* input_end, Pixel at, T* dst) const;
  template <class T>
  bool pack_inside_taps(const T* input, const T* input_end, Pixel at, T* taps) const;
  template <class T, Epilogue E>
  void run_typed(const T* input, T* output, size_t first_row, size_t end_row, Scratch scratch) const;

  ConvGeometry g_;
  DType dtype_;
  int32_t input_zero_point_;
  size_t rows_;         // output pixels: A rows
  size_t k_;            // kernel_h * kernel_w * in_c
  size_t pairs_;        // k_ in pairs, the last one padded with a zero weight
  size_t tiles_;        // weight tiles of kTileChannels
  size_t block_rows_;   // A rows packed at once, a multiple of kTileRows
  bool pointwise_;      // each A row is one input pixel as is
  AlignedVector<int16_t> weights_;  // [tile][k pair][2 vectors]
  AlignedVector<int32_t> bias_;     // [tiles * kTileChannels], zero point folded in
  Requantizer requantizer_;
  size_t row_stride_;   // int16 per row of row_, with slack for whole-vector copies
  size_t taps_stride_;  // bytes per row of taps_, with slack for whole-vector copies and loads
  static constexpr size_t kASlack = 4 * kLanes;
  // Scratch of every thread, one Scratch after the other.
  mutable AlignedVector<int32_t> a_;
  mutable AlignedVector<int16_t> row_;
  mutable AlignedVector<unsigned char> taps_;
};

Conv2D::Conv2D(const ConvDesc& d)
    : g_(d.geometry),
      dtype_(d.dtype),
      input_zero_point_(d.input_zero_point),
      rows_(static_cast<size_t>(g_.batch) * g_.out_h * g_.out_w),
      k_(static_cast<size_t>(g_.kernel_h) * g_.kernel_w * g_.in_c),
      pairs_((k_ + 1) / 2),
      tiles_(round_up(static_cast<size_t>(g_.out_c), kTileChannels) / kTileChannels),
      pointwise_(g_.kernel_h == 1 && g_.kernel_w == 1 && g_.stride_h == 1 && g_.stride_w == 1 &&
                 g_.pad_top == 0 && g_.pad_left == 0),
      weights_(tiles_ * pairs_ * 2 * kTileChannels, 0),
      bias_(tiles_ * kTileChannels, 0),
      requantizer_(d, tiles_ * kTileChannels, accumulator_bounds(d, FilterLayout::kChannelMajor)),
      row_stride_(pointwise_ ? round_up(2 * pairs_, kLanes16) + kLanes16 : 0),
      taps_stride_(pointwise_ ? 0 : round_up(k_, 2 * kLanes16) + 4 * kLanes16),
      row_(static_cast<size_t>(d.threads) * kTileRows * row_stride_, 0),
      taps_(static_cast<size_t>(d.threads) * kTileRows * taps_stride_, 0) {
  const size_t fitting = kBlockBytes / (pairs_ * sizeof(int32_t)) / kTileRows * kTileRows;
  block_rows_ = std::min(round_up(rows_, kTileRows), std::max(kTileRows, fitting));
  a_.assign(static_cast<size_t>(d.threads) * (block_rows_ * pairs_ + kASlack), 0);
  for (size_t oc = 0; oc < static_cast<size_t>(g_.out_c); ++oc) {
    bias_[oc] = pack_channel(d, oc, k_, weights_.data(), [](int16_t w) { return w; });
  }
}

// Row `row` of a pointwise convolution's A into dst: the input pixel as
// int16, a zero filler for the last pair. Copies go by whole vectors where
// the input allows reading that far: dst needs kLanes16 int16 of slack.
template <class T>
void Conv2D::pack_pointwise_row(const T* input, const T* input_end, size_t row, int16_t* dst) const {
  const size_t in_c = static_cast<size_t>(g_.in_c);
  const T* src = input + row * in_c;
  if (src + round_up(in_c, kLanes16) <= input_end) {
    for (size_t i = 0; i < in_c; i += kLanes16) load_widened(src + i).store_unaligned(dst + i);
  } else {
    for (size_t i = 0; i < in_c; ++i) dst[i] = src[i];
  }
  if (k_ % 2 != 0) dst[k_] = 0;
}

// The taps of output pixel `at` (one row of A) as bytes into dst, kernel row
// by kernel row: a run of kernel_w * in_c contiguous input values where the
// kernel row lies inside the input, the zero point for padding. Copies go by
// whole vectors where the input allows reading that far (the next kernel
// row's copy overwrites the excess): dst needs a vector of slack. What
// follows the k taps is left as it is: the filler pair's weight is zero.
// Bytes, not int16: the transposition widens as it loads (measured in wasm:
// the 3x3x3 stems of MobileNet V2 and V3 Small 1.07-1.1x faster, V1 0.25's
// 1.3x, than with int16 rows).
// n values from src to dst by whole vectors: both need slack up to the next
// multiple of the vector size.
template <class T>
MNW_SIMD_INLINE void copy_by_vectors(const T* src, size_t n, T* dst) {
  using Bytes = xsimd::batch<T, Arch>;
  for (size_t i = 0; i < n; i += Bytes::size) Bytes::load_unaligned(src + i).store_unaligned(dst + i);
}

template <class T>
void Conv2D::pack_taps(const T* input, const T* input_end, Pixel at, T* dst) const {
  using Bytes = xsimd::batch<T, Arch>;
  const size_t in_c = static_cast<size_t>(g_.in_c);
  const size_t run = static_cast<size_t>(g_.kernel_w) * in_c;
  const T* image = input + static_cast<size_t>(at.batch) * g_.in_h * g_.in_w * in_c;
  const int ix0 = at.x * g_.stride_w - g_.pad_left;
  const bool columns_inside = g_.dilation_w == 1 && ix0 >= 0 && ix0 + g_.kernel_w <= g_.in_w;
  const auto zero_point = static_cast<T>(input_zero_point_);
  for (int ky = 0; ky < g_.kernel_h; ++ky, dst += run) {
    const int iy = at.y * g_.stride_h - g_.pad_top + ky * g_.dilation_h;
    if (iy < 0 || iy >= g_.in_h) {
      std::fill_n(dst, run, zero_point);
    } else if (columns_inside) {
      const T* src = image + (static_cast<size_t>(iy) * g_.in_w + static_cast<size_t>(ix0)) * in_c;
      if (src + round_up(run, Bytes::size) <= input_end) {
        copy_by_vectors(src, run, dst);
      } else {
        std::copy_n(src, run, dst);
      }
    } else {
      for (int kx = 0; kx < g_.kernel_w; ++kx) {
        const int ix = ix0 + kx * g_.dilation_w;
        T* t = dst + static_cast<size_t>(kx) * in_c;
        if (ix < 0 || ix >= g_.in_w) {
          std::fill_n(t, in_c, zero_point);
        } else {
          std::copy_n(image + (static_cast<size_t>(iy) * g_.in_w + static_cast<size_t>(ix)) * in_c, in_c, t);
        }
      }
    }
  }
}

// pack_taps for four output pixels from `at` in one output row whose
// windows lie inside the input (most of them): the same copies with the
// pixel's and the kernel row's steps added to one pointer, without
// pack_taps' checks per tap row (measured in wasm: the 3x3x3 stems
// 1.1-1.15x faster). False, doing nothing, for other groups.
template <class T>
bool Conv2D::pack_inside_taps(const T* input, const T* input_end, Pixel at, T* taps) const {
  using Bytes = xsimd::batch<T, Arch>;  // copy_by_vectors' step
  const int ix0 = at.x * g_.stride_w - g_.pad_left, iy0 = at.y * g_.stride_h - g_.pad_top;
  const int last_x = ix0 + 3 * g_.stride_w + g_.kernel_w - 1;
  if (at.x + 3 >= g_.out_w || g_.dilation_w != 1 || ix0 < 0 || last_x >= g_.in_w || iy0 < 0 ||
      iy0 + (g_.kernel_h - 1) * g_.dilation_h >= g_.in_h) {
    return false;
  }
  const size_t in_c = static_cast<size_t>(g_.in_c);
  const size_t run = static_cast<size_t>(g_.kernel_w) * in_c, copy = round_up(run, Bytes::size);
  const size_t row_step = static_cast<size_t>(g_.dilation_h) * g_.in_w * in_c;
  const size_t pixel_step = static_cast<size_t>(g_.stride_w) * in_c;
  const T* first = input + ((static_cast<size_t>(at.batch) * g_.in_h + static_cast<size_t>(iy0)) * g_.in_w +
                            static_cast<size_t>(ix0)) * in_c;
  if (first + 3 * pixel_step + (g_.kernel_h - 1) * row_step + copy > input_end) return false;
  for (size_t r = 0; r < 4; ++r) {
    const T* src = first + r * pixel_step;
    T* dst = taps + r * taps_stride_;
    for (int ky = 0; ky < g_.kernel_h; ++ky, src += row_step, dst += run) {
      copy_by_vectors(src, run, dst);
    }
  }
  return true;
}

// Rows [first_row, first_row + rows) of A as one group, [pair][row], for the
// output pixels from `at` (advanced past them). Four rows transpose as
// vectors of pairs, widened from bytes as they load: pointwise rows straight
// from the input (the last pairs of an odd depth through scratch.rows), the
// others from their taps in scratch.taps.
template <class T>
void Conv2D::pack_group(const T* input, const T* input_end, size_t first_row, size_t rows, Pixel& at,
                        int32_t* group, Scratch scratch) const {
  static_assert(kTileRows == 4);
  const size_t in_c = static_cast<size_t>(g_.in_c);
  T* taps = reinterpret_cast<T*>(scratch.taps);
  if (!pointwise_ && rows == 4 && pack_inside_taps(input, input_end, at, taps)) {
    for (size_t r = 0; r < rows; ++r) at = next(at);
  } else if (!pointwise_) {
    for (size_t r = 0; r < rows; ++r, at = next(at)) pack_taps(input, input_end, at, taps + r * taps_stride_);
  } else {
    for (size_t r = 0; r < rows; ++r) at = next(at);
  }
  // Row r's bytes, and how many of them the vector loop below may read.
  const T* bytes = pointwise_ ? input + first_row * in_c : taps;
  const size_t stride = pointwise_ ? in_c : taps_stride_;
  const size_t readable = pointwise_ ? in_c : 2 * round_up(pairs_, kLanes);
  size_t j = 0;
  if (rows == 4) {
    const auto load = [&](size_t r) { return xsimd::bitwise_cast<int32_t>(load_widened(bytes + r * stride + 2 * j)); };
    // Whole vectors of pairs. The last vector's pairs past pairs_ (taps only)
    // land in the next group, which overwrites them, or in a_'s slack.
    for (; 2 * j + kLanes16 <= readable; j += kLanes) {
      const I32 r0 = load(0), r1 = load(1), r2 = load(2), r3 = load(3);
      const I32 t0 = xsimd::zip_lo(r0, r2), t1 = xsimd::zip_hi(r0, r2);
      const I32 t2 = xsimd::zip_lo(r1, r3), t3 = xsimd::zip_hi(r1, r3);
      int32_t* dst = group + j * 4;
      xsimd::zip_lo(t0, t2).store_unaligned(dst);
      xsimd::zip_hi(t0, t2).store_unaligned(dst + kLanes);
      xsimd::zip_lo(t1, t3).store_unaligned(dst + 2 * kLanes);
      xsimd::zip_hi(t1, t3).store_unaligned(dst + 3 * kLanes);
    }
    if (j >= pairs_) return;
  }
  // The remaining pairs one by one.
  for (size_t r = 0; r < rows; ++r) {
    int32_t* dst = group + j * rows + r;
    if (pointwise_) {
      int16_t* row = scratch.rows + r * row_stride_;
      pack_pointwise_row(input, input_end, first_row + r, row);
      for (size_t p = j; p < pairs_; ++p, dst += rows) std::memcpy(dst, row + 2 * p, sizeof(int32_t));
    } else {
      const T* row = taps + r * taps_stride_;
      for (size_t p = j; p < pairs_; ++p, dst += rows) {
        const int16_t pair[2] = {row[2 * p], row[2 * p + 1]};
        std::memcpy(dst, pair, sizeof(int32_t));
      }
    }
  }
}

template <class T, Epilogue E>
void Conv2D::run_typed(const T* input, T* output, size_t first_row, size_t end_row, Scratch scratch) const {
  const RequantView q = requantizer_.view();
  const OutputClamp<T> clamp(requantizer_);
  const size_t out_c = static_cast<size_t>(g_.out_c);
  const T* input_end = input + static_cast<size_t>(g_.batch) * g_.in_h * g_.in_w * g_.in_c;
  int32_t* const a = scratch.a;
  Pixel at = pixel_of(first_row);
  for (size_t first = first_row; first < end_row; first += block_rows_) {
    const size_t block = std::min(block_rows_, end_row - first);
    const size_t full_groups = block / kTileRows, tail = block % kTileRows;
    for (size_t g = 0; g < full_groups; ++g) {
      pack_group(input, input_end, first + g * kTileRows, kTileRows, at, a + g * kTileRows * pairs_, scratch);
    }
    int32_t* tail_group = a + full_groups * kTileRows * pairs_;
    if (tail > 0) pack_group(input, input_end, first + full_groups * kTileRows, tail, at, tail_group, scratch);
    for (size_t t = 0; t < tiles_; ++t) {
      const size_t oc = t * kTileChannels;
      const size_t channels = std::min(kTileChannels, out_c - oc);
      const int16_t* w = weights_.data() + t * pairs_ * 2 * kTileChannels;
      const int32_t* bias = bias_.data() + oc;
      T* out = output + first * out_c + oc;
      for (size_t g = 0; g < full_groups; ++g) {
        gemm_tile<kTileRows, E>(a + g * kTileRows * pairs_, pairs_, w, bias, q, clamp, oc,
                                out + g * kTileRows * out_c, out_c, channels);
      }
      T* tail_out = out + full_groups * kTileRows * out_c;
      switch (tail) {
        case 3: gemm_tile<3, E>(tail_group, pairs_, w, bias, q, clamp, oc, tail_out, out_c, channels); break;
        case 2: gemm_tile<2, E>(tail_group, pairs_, w, bias, q, clamp, oc, tail_out, out_c, channels); break;
        case 1: gemm_tile<1, E>(tail_group, pairs_, w, bias, q, clamp, oc, tail_out, out_c, channels); break;
        default: break;
      }
    }
  }
}

void Conv2D::run_units(const void* input, void* output, size_t begin, size_t end, int thread) const {
  const size_t first = begin * kTileRows, last = std::min(end * kTileRows, rows_);
  with_epilogue(dtype_, requantizer_.epilogue(), input, output, [&](auto* in, auto* out, auto epilogue) {
    using T = std::remove_pointer_t<decltype(out)>;
    run_typed<T, decltype(epilogue)::value>(in, out, first, last, scratch(thread));
  });
}

// One output pixel's accumulators for kTiles weight tiles: every k-pair of
// the tiles times the broadcast input pair, 2 * kTiles vectors in
// registers. A function of its own, like accumulate().
template <size_t kTiles>
__attribute__((noinline)) void accumulate_pixel(const int16_t* x, size_t pairs, const uint8_t* w, size_t tile_stride,
                                                I32 (&acc)[kTiles][2]) {
  I32 sum[kTiles][2];
  for (size_t t = 0; t < kTiles; ++t) {
    sum[t][0] = acc[t][0];
    sum[t][1] = acc[t][1];
  }
  for (const int16_t* end = x + 2 * pairs; x != end; x += 2, w += 2 * kLanes16) {
    int32_t both;
    std::memcpy(&both, x, sizeof both);
    const I16 pair = xsimd::bitwise_cast<int16_t>(I32(both));
    for (size_t t = 0; t < kTiles; ++t) {
      sum[t][0] += dot_i16(pair, load_widened(w + t * tile_stride));
      sum[t][1] += dot_i16(pair, load_widened(w + t * tile_stride + kLanes16));
    }
  }
  for (size_t t = 0; t < kTiles; ++t) {
    acc[t][0] = sum[t][0];
    acc[t][1] = sum[t][1];
  }
}

// One output pixel (a FULLY_CONNECTED row, a 1x1 convolution of a 1x1 map:
// logits, squeeze-and-excitation) is a matrix-vector product that reads
// every weight once per run, so memory traffic sets its speed. The weights
// are kept as bytes, half of int16, and widened as they load: per output
// channel an offset o = -min(W) brings them into [0, 255] as U = W + o, and
//   sum_k x_k W_k = sum_k x_k U_k - o * sum_k x_k.
// Work units are weight tiles: threads split the output channels.
class Conv2DSingleRow final : public ConvKernel {
 public:
  // Whether the kernel takes `d`: one pixel, a depth that keeps the int32
  // sums of x * U and o * sum(x) exact, weights spanning at most 255 per
  // channel (true of any 8-bit model).
  static bool handles(const ConvDesc& d);

  explicit Conv2DSingleRow(const ConvDesc& d);
  size_t work_units() const override { return tiles_; }
  void run_units(const void* input, void* output, size_t begin, size_t end, int thread) const override;
  const char* name() const override { return "simd conv_2d single row"; }

 private:
  template <class T, Epilogue E>
  void run_typed(const T* input, T* output, size_t begin, size_t end, int16_t* x) const;

  DType dtype_;
  size_t k_, pairs_, tiles_, out_c_;
  AlignedVector<uint8_t> weights_;  // U: [tile][k pair][2 vectors], as Conv2D's
  AlignedVector<int32_t> bias_;     // input zero point folded in, as Conv2D's
  AlignedVector<int32_t> offsets_;  // o per output channel
  Requantizer requantizer_;
  // Per thread: the input widened to int16 pairs, a zero filler pair last.
  mutable AlignedVector<int16_t> x_;
};

bool Conv2DSingleRow::handles(const ConvDesc& d) {
  const ConvGeometry& g = d.geometry;
  const bool single_pixel = g.batch == 1 && g.out_h == 1 && g.out_w == 1 && g.in_h == 1 && g.in_w == 1 &&
                            g.kernel_h == 1 && g.kernel_w == 1;
  if (!single_pixel || g.in_c > 8192) return false;
  for (size_t oc = 0; oc < static_cast<size_t>(g.out_c); ++oc) {
    const auto [lo, hi] = std::minmax_element(d.filter.begin() + oc * g.in_c, d.filter.begin() + (oc + 1) * g.in_c);
    if (*hi - *lo > 255) return false;
  }
  return true;
}

Conv2DSingleRow::Conv2DSingleRow(const ConvDesc& d)
    : dtype_(d.dtype),
      k_(static_cast<size_t>(d.geometry.in_c)),
      pairs_((k_ + 1) / 2),
      tiles_(round_up(static_cast<size_t>(d.geometry.out_c), kTileChannels) / kTileChannels),
      out_c_(static_cast<size_t>(d.geometry.out_c)),
      weights_(tiles_ * pairs_ * 2 * kTileChannels, 0),
      bias_(tiles_ * kTileChannels, 0),
      offsets_(tiles_ * kTileChannels, 0),
      requantizer_(d, tiles_ * kTileChannels, accumulator_bounds(d, FilterLayout::kChannelMajor)),
      x_(static_cast<size_t>(d.threads) * 2 * pairs_, 0) {
  for (size_t oc = 0; oc < out_c_; ++oc) {
    const int16_t* src = d.filter.data() + oc * k_;
    const int32_t offset = -*std::min_element(src, src + k_);
    offsets_[oc] = offset;
    bias_[oc] = pack_channel(d, oc, k_, weights_.data(), [offset](int16_t w) { return static_cast<uint8_t>(w + offset); });
  }
}

template <class T, Epilogue E>
void Conv2DSingleRow::run_typed(const T* input, T* output, size_t begin, size_t end, int16_t* x) const {
  const RequantView q = requantizer_.view();
  const OutputClamp<T> clamp(requantizer_);
  int32_t input_sum = 0;
  for (size_t k = 0; k < k_; ++k) input_sum += x[k] = input[k];
  const I32 sum(input_sum);
  const size_t tile_stride = pairs_ * 2 * kTileChannels;
  // Two tiles at a time share each broadcast; an odd last one alone.
  const auto tiles = [&]<size_t kTiles>(size_t first) {
    I32 acc[kTiles][2];
    for (size_t t = 0; t < kTiles; ++t) {
      const size_t oc = (first + t) * kTileChannels;
      for (size_t v = 0; v < 2; ++v) {
        acc[t][v] = I32::load_aligned(bias_.data() + oc + v * kLanes) -
                    I32::load_aligned(offsets_.data() + oc + v * kLanes) * sum;
      }
    }
    accumulate_pixel<kTiles>(x, pairs_, weights_.data() + first * tile_stride, tile_stride, acc);
    for (size_t t = 0; t < kTiles; ++t) {
      const size_t oc = (first + t) * kTileChannels;
      const I16 row = requantize_pair<E>(q, acc[t][0], acc[t][1], oc);
      store_row<0>(output + oc, clamp(row, row), std::min(kTileChannels, out_c_ - oc));
    }
  };
  size_t t = begin;
  for (; t + 2 <= end; t += 2) tiles.template operator()<2>(t);
  if (t < end) tiles.template operator()<1>(t);
}

void Conv2DSingleRow::run_units(const void* input, void* output, size_t begin, size_t end, int thread) const {
  int16_t* x = x_.data() + static_cast<size_t>(thread) * 2 * pairs_;
  with_epilogue(dtype_, requantizer_.epilogue(), input, output, [&](auto* in, auto* out, auto epilogue) {
    using T = std::remove_pointer_t<decltype(out)>;
    run_typed<T, decltype(epilogue)::value>(in, out, begin, end, x);
  });
}

}  // namespace

std::unique_ptr<ConvKernel> make_conv_2d(const ConvDesc& desc) {
  if (desc.dtype != DType::kUInt8 && desc.dtype != DType::kInt8) return nullptr;
  if (Conv2DSingleRow::handles(desc)) return std::make_unique<Conv2DSingleRow>(desc);
  return std::make_unique<Conv2D>(desc);
}

}  // namespace mnw::simd

#endif
