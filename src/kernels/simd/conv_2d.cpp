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
// tile's two vectors, then lane pair. The values go in segments of
// `segment` (the taps one window reads contiguously); an odd segment is
// padded to whole pairs with a zero weight. `pairs` is the tile's pair count.
// Returns the channel's bias with the input zero point folded in:
// bias - zero_point * sum_k W.
template <class W, class F>
int32_t pack_channel(const ConvDesc& d, size_t oc, size_t k, size_t segment, size_t pairs, W* weights, F f) {
  const size_t padded_segment = segment + segment % 2;
  const int16_t* src = d.filter.data() + oc * k;
  W* dst = weights + (oc / kTileChannels) * pairs * 2 * kTileChannels + (oc % kTileChannels / kLanes) * kLanes16 +
           oc % kLanes * 2;
  // A pair at a time (at is even): the index arithmetic per weight took a
  // good part of a model's load time.
  for (size_t first = 0, at = 0; first < k; first += segment, at += padded_segment) {
    W* pair = dst + at / 2 * 2 * kLanes16;
    size_t i = 0;
    for (; i + 1 < segment; i += 2, pair += 2 * kLanes16) {
      pair[0] = f(src[first + i]);
      pair[1] = f(src[first + i + 1]);
    }
    if (i < segment) pair[0] = f(src[first + i]);
  }
  uint32_t sum = 0;
  for (size_t i = 0; i < k; ++i) sum += static_cast<uint32_t>(src[i]);
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
// on large K). The loops over the tile's rows (and, below, tiles) are
// unrolled by pragma, which clang does anyway: GCC kept them as loops and
// the accumulators in memory, a store and a reload per multiply-add
// (measured natively: MobileNet V2 1.5x faster unrolled).
template <size_t kRows>
__attribute__((noinline)) void accumulate(const int32_t* a, size_t pairs, const int16_t* w, const int32_t* bias,
                                          I32 (&acc)[kRows][2]) {
  const I32 bias_lo = I32::load_aligned(bias), bias_hi = I32::load_aligned(bias + kLanes);
  I32 sum[kRows][2];
#pragma GCC unroll 4
  for (size_t r = 0; r < kRows; ++r) {
    sum[r][0] = bias_lo;
    sum[r][1] = bias_hi;
  }
  // With 32 vector registers (AVX-512), a second set of accumulators takes
  // every other k-pair: the chains of vpdpwssd (5 cycles) then overlap.
  if constexpr (arch::kAvx512<Arch>) {
    I32 odd[kRows][2];
#pragma GCC unroll 4
    for (size_t r = 0; r < kRows; ++r) odd[r][0] = odd[r][1] = I32(0);
    for (const int32_t* end = a + pairs / 2 * 2 * kRows; a != end; a += 2 * kRows, w += 4 * kLanes16) {
      const I16 w_lo = I16::load_aligned(w), w_hi = I16::load_aligned(w + kLanes16);
      const I16 v_lo = I16::load_aligned(w + 2 * kLanes16), v_hi = I16::load_aligned(w + 3 * kLanes16);
#pragma GCC unroll 4
      for (size_t r = 0; r < kRows; ++r) {
        const I16 x = xsimd::bitwise_cast<int16_t>(I32(a[r])), y = xsimd::bitwise_cast<int16_t>(I32(a[kRows + r]));
        sum[r][0] = dot_add_i16(sum[r][0], x, w_lo);
        sum[r][1] = dot_add_i16(sum[r][1], x, w_hi);
        odd[r][0] = dot_add_i16(odd[r][0], y, v_lo);
        odd[r][1] = dot_add_i16(odd[r][1], y, v_hi);
      }
    }
#pragma GCC unroll 4
    for (size_t r = 0; r < kRows; ++r) {
      sum[r][0] += odd[r][0];
      sum[r][1] += odd[r][1];
    }
    pairs %= 2;
  }
  // Pointers advanced by hand: Emscripten runs LLVM without loop strength
  // reduction, and V8 then recomputes every address from the index. Not
  // unrolled: V8 hoists the second step's loads and runs out of registers.
  for (const int32_t* end = a + pairs * kRows; a != end; a += kRows, w += 2 * kLanes16) {
    const I16 w_lo = I16::load_aligned(w), w_hi = I16::load_aligned(w + kLanes16);
#pragma GCC unroll 4
    for (size_t r = 0; r < kRows; ++r) {
      const I16 x = xsimd::bitwise_cast<int16_t>(I32(a[r]));
      sum[r][0] = dot_add_i16(sum[r][0], x, w_lo);
      sum[r][1] = dot_add_i16(sum[r][1], x, w_hi);
    }
  }
#pragma GCC unroll 4
  for (size_t r = 0; r < kRows; ++r) {
    acc[r][0] = sum[r][0];
    acc[r][1] = sum[r][1];
  }
}

// The same for kRows output pixels of a windowed convolution, read in place
// from the widened, padded input: pixel r's window starts at windows[r], and
// its taps are `segments` runs of contiguous values at offsets[s] from
// there, each read as segment_pairs pairs (an odd run's last pair reads one
// value past it, against a zero weight).
template <size_t kRows>
__attribute__((noinline)) void accumulate_windows(const int16_t* const* windows, const ptrdiff_t* offsets,
                                                  size_t segments, size_t segment_pairs, const int16_t* w,
                                                  const int32_t* bias, I32 (&acc)[kRows][2]) {
  const I32 bias_lo = I32::load_aligned(bias), bias_hi = I32::load_aligned(bias + kLanes);
  I32 sum[kRows][2];
#pragma GCC unroll 4
  for (size_t r = 0; r < kRows; ++r) {
    sum[r][0] = bias_lo;
    sum[r][1] = bias_hi;
  }
  for (size_t s = 0; s < segments; ++s) {
    const int16_t* x[kRows];
#pragma GCC unroll 4
    for (size_t r = 0; r < kRows; ++r) x[r] = windows[r] + offsets[s];
    // Pointers advanced by hand, as in accumulate().
    for (const int16_t* end = w + segment_pairs * 2 * kLanes16; w != end; w += 2 * kLanes16) {
      const I16 w_lo = I16::load_aligned(w), w_hi = I16::load_aligned(w + kLanes16);
#pragma GCC unroll 4
      for (size_t r = 0; r < kRows; ++r) {
        int32_t pair;
        std::memcpy(&pair, x[r], sizeof pair);
        x[r] += 2;
        const I16 v = xsimd::bitwise_cast<int16_t>(I32(pair));
        sum[r][0] = dot_add_i16(sum[r][0], v, w_lo);
        sum[r][1] = dot_add_i16(sum[r][1], v, w_hi);
      }
    }
  }
#pragma GCC unroll 4
  for (size_t r = 0; r < kRows; ++r) {
    acc[r][0] = sum[r][0];
    acc[r][1] = sum[r][1];
  }
}

// The accumulators of kRows rows of one weight tile, requantized and stored
// to out + r * out_stride, `channels` (<= kTileChannels) of each row.
template <size_t kRows, Epilogue E, class T>
void store_tile(const I32 (&acc)[kRows][2], const RequantView& q, const OutputClamp<T>& clamp, size_t oc, T* out,
                size_t out_stride, size_t channels) {
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

// Calls f(std::integral_constant<size_t, rows>) for rows in [1, kTileRows].
template <class F>
void with_rows(size_t rows, F&& f) {
  static_assert(kTileRows == 4);
  switch (rows) {
    case 4: return f(std::integral_constant<size_t, 4>{});
    case 3: return f(std::integral_constant<size_t, 3>{});
    case 2: return f(std::integral_constant<size_t, 2>{});
    case 1: return f(std::integral_constant<size_t, 1>{});
    default: return;
  }
}

// Two ways to the GEMM's A. A pointwise convolution's rows are input pixels:
// they are packed in blocks, widened and transposed. Any other convolution
// reads its windows in place from a copy of the input widened to int16 and
// surrounded by the padding (the input zero point, which the folded bias
// cancels): per run, each thread widens the input rows its pixels need into
// its own copy, whose padding was filled once at construction. A window's
// taps are kernel_h runs of kernel_w * in_c contiguous values (kernel_h *
// kernel_w runs of in_c with a column dilation). Measured in wasm against
// im2col packing of the taps: the 3x3x3 stems of V3 Small and V2 1.2x and
// 1.1x faster under Node, the whole V3 Small 1.015x in Chromium.
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
  // Padded row (of all images, one after the other) where pixel p's window
  // starts, and the window's first value.
  size_t window_row(Pixel p) const {
    return static_cast<size_t>(p.batch) * padded_h_ + static_cast<size_t>(p.y) * g_.stride_h;
  }
  const int16_t* window(const int16_t* padded, Pixel p) const {
    return padded + window_row(p) * padded_row_ + static_cast<size_t>(p.x) * g_.stride_w * g_.in_c;
  }
  // One thread's scratch for a pointwise convolution: the packed A of its
  // current block, in groups of kTileRows rows (plus kASlack for
  // whole-vector stores past the last one), and one group's rows as int16.
  struct Scratch {
    int32_t* a;
    int16_t* rows;
  };
  Scratch scratch(int thread) const {
    const auto t = static_cast<size_t>(thread);
    return {a_.data() + t * (block_rows_ * pairs_ + kASlack), row_.data() + t * kTileRows * row_stride_};
  }
  // One thread's padded input for any other convolution.
  int16_t* padded(int thread) const { return padded_.data() + static_cast<size_t>(thread) * padded_size_; }
  template <class T>
  void pack_group(const T* input, const T* input_end, size_t first_row, size_t rows, int32_t* group,
                  Scratch scratch) const;
  template <class T>
  void pack_pointwise_row(const T* input, const T* input_end, size_t row, int16_t* dst) const;
  template <class T>
  void widen_rows(const T* input, size_t first_row, size_t end_row, int16_t* padded) const;
  template <class T, Epilogue E>
  void run_pointwise(const T* input, T* output, size_t first_row, size_t end_row, Scratch scratch) const;
  template <class T, Epilogue E>
  void run_windows(const T* input, T* output, size_t first_row, size_t end_row, int16_t* padded) const;

  ConvGeometry g_;
  DType dtype_;
  size_t rows_;         // output pixels: A rows
  size_t k_;            // kernel_h * kernel_w * in_c
  bool pointwise_;      // each A row is one input pixel as is
  size_t segment_;      // contiguous taps of a window (k_ when pointwise)
  size_t segments_;     // per window
  size_t pairs_;        // of a weight tile: segments_ * ceil(segment_ / 2)
  size_t tiles_;        // weight tiles of kTileChannels
  size_t block_rows_ = 0;  // pointwise: A rows packed at once, a multiple of kTileRows
  AlignedVector<int16_t> weights_;  // [tile][k pair][2 vectors]
  AlignedVector<int32_t> bias_;     // [tiles * kTileChannels], zero point folded in
  Requantizer requantizer_;
  size_t row_stride_;   // int16 per row of row_, with slack for whole-vector copies
  static constexpr size_t kASlack = 4 * kLanes;
  // The padded input: rows of padded_row_ values, padded_h_ rows per image,
  // padded_size_ per thread with slack for the last window's pair over-read.
  size_t padded_h_ = 0, padded_row_ = 0, padded_size_ = 0;
  std::vector<ptrdiff_t> segment_offsets_;  // from a window's first value
  // Scratch of every thread, one Scratch after the other.
  mutable AlignedVector<int32_t> a_;
  mutable AlignedVector<int16_t> row_;
  mutable AlignedVector<int16_t> padded_;
};

Conv2D::Conv2D(const ConvDesc& d)
    : g_(d.geometry),
      dtype_(d.dtype),
      rows_(static_cast<size_t>(g_.batch) * g_.out_h * g_.out_w),
      k_(static_cast<size_t>(g_.kernel_h) * g_.kernel_w * g_.in_c),
      pointwise_(g_.kernel_h == 1 && g_.kernel_w == 1 && g_.stride_h == 1 && g_.stride_w == 1 &&
                 g_.pad_top == 0 && g_.pad_left == 0),
      segment_(pointwise_ ? k_ : static_cast<size_t>(g_.dilation_w == 1 ? g_.kernel_w * g_.in_c : g_.in_c)),
      segments_(k_ / segment_),
      pairs_(segments_ * ((segment_ + 1) / 2)),
      tiles_(round_up(static_cast<size_t>(g_.out_c), kTileChannels) / kTileChannels),
      weights_(tiles_ * pairs_ * 2 * kTileChannels, 0),
      bias_(tiles_ * kTileChannels, 0),
      requantizer_(scaled_weights_requantizer(d, tiles_ * kTileChannels, FilterLayout::kChannelMajor)),
      row_stride_(pointwise_ ? round_up(2 * pairs_, kLanes16) + kLanes16 : 0) {
  const auto threads = static_cast<size_t>(d.threads);
  if (pointwise_) {
    const size_t fitting = kBlockBytes / (pairs_ * sizeof(int32_t)) / kTileRows * kTileRows;
    block_rows_ = std::min(round_up(rows_, kTileRows), std::max(kTileRows, fitting));
    a_.assign(threads * (block_rows_ * pairs_ + kASlack), 0);
    row_.assign(threads * kTileRows * row_stride_, 0);
  } else {
    // Wide and high enough for the input after the leading padding and for
    // every window.
    const size_t in_c = static_cast<size_t>(g_.in_c);
    const auto extent = [](int in, int pad, int out, int stride, int kernel, int dilation) {
      return static_cast<size_t>(std::max(pad + in, (out - 1) * stride + (kernel - 1) * dilation + 1));
    };
    padded_h_ = extent(g_.in_h, g_.pad_top, g_.out_h, g_.stride_h, g_.kernel_h, g_.dilation_h);
    padded_row_ = extent(g_.in_w, g_.pad_left, g_.out_w, g_.stride_w, g_.kernel_w, g_.dilation_w) * in_c;
    padded_size_ = round_up(static_cast<size_t>(g_.batch) * padded_h_ * padded_row_ + 2, kLanes16);
    padded_.assign(threads * padded_size_, static_cast<int16_t>(d.input_zero_point));
    for (int ky = 0; ky < g_.kernel_h; ++ky) {
      const auto row = static_cast<ptrdiff_t>(static_cast<size_t>(ky) * g_.dilation_h * padded_row_);
      if (g_.dilation_w == 1) {
        segment_offsets_.push_back(row);
        continue;
      }
      for (int kx = 0; kx < g_.kernel_w; ++kx) {
        segment_offsets_.push_back(row + static_cast<ptrdiff_t>(static_cast<size_t>(kx) * g_.dilation_w * in_c));
      }
    }
  }
  for (size_t oc = 0; oc < static_cast<size_t>(g_.out_c); ++oc) {
    // Weights and bias times the factor the requantizer leaves to them (the
    // bias is within the accumulator bound, so the product fits).
    const int32_t scale = requantizer_.weight_scale(oc);
    const auto scaled = [scale](int16_t w) { return static_cast<int16_t>(w * scale); };
    bias_[oc] = scale * pack_channel(d, oc, k_, segment_, pairs_, weights_.data(), scaled);
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

// Pairs from j on of four A rows (`bytes`, rows in_c apart) into a group,
// [pair][row]: transposed as vectors of pairs of arch A, widened from bytes
// as they load, while whole vectors fit in the depth. Returns the first pair
// left.
template <class A, class T>
size_t transpose_four_rows(const T* bytes, size_t in_c, size_t j, int32_t* group) {
  using V = xsimd::batch<int32_t, A>;
  constexpr size_t kPairs = V::size;
  for (; 2 * (j + kPairs) <= in_c; j += kPairs) {
    const auto load = [&](size_t r) {
      return xsimd::bitwise_cast<int32_t>(load_widened<T, A>(bytes + r * in_c + 2 * j));
    };
    const V r0 = load(0), r1 = load(1), r2 = load(2), r3 = load(3);
    const auto t02 = zip(r0, r2), t13 = zip(r1, r3);
    const auto first = zip(t02.lo, t13.lo), second = zip(t02.hi, t13.hi);
    int32_t* dst = group + j * 4;
    first.lo.store_unaligned(dst);
    first.hi.store_unaligned(dst + kPairs);
    second.lo.store_unaligned(dst + 2 * kPairs);
    second.hi.store_unaligned(dst + 3 * kPairs);
  }
  return j;
}

// Rows [first_row, first_row + rows) of a pointwise A as one group,
// [pair][row]. Four rows transpose as vectors (on x86 also the narrower
// ones: natively, depths of 16 and 24 had gone pair by pair on AVX-512); the
// last pairs of an odd depth and smaller groups go through scratch.rows.
template <class T>
void Conv2D::pack_group(const T* input, const T* input_end, size_t first_row, size_t rows, int32_t* group,
                        Scratch scratch) const {
  static_assert(kTileRows == 4);
  const size_t in_c = static_cast<size_t>(g_.in_c);
  const T* bytes = input + first_row * in_c;
  size_t j = 0;
  if (rows == 4) {
    j = transpose_four_rows<Arch>(bytes, in_c, j, group);
    for_each_narrower_arch([&]<class A>() { j = transpose_four_rows<A>(bytes, in_c, j, group); });
    if (j >= pairs_) return;
  }
  // The remaining pairs one by one.
  for (size_t r = 0; r < rows; ++r) {
    int32_t* dst = group + j * rows + r;
    int16_t* row = scratch.rows + r * row_stride_;
    pack_pointwise_row(input, input_end, first_row + r, row);
    for (size_t p = j; p < pairs_; ++p, dst += rows) std::memcpy(dst, row + 2 * p, sizeof(int32_t));
  }
}

template <class T, Epilogue E>
MNW_SIMD_FLATTEN void Conv2D::run_pointwise(const T* input, T* output, size_t first_row, size_t end_row,
                                            Scratch scratch) const {
  const RequantView q = requantizer_.view();
  const OutputClamp<T> clamp(requantizer_);
  const size_t out_c = static_cast<size_t>(g_.out_c);
  const T* input_end = input + static_cast<size_t>(g_.batch) * g_.in_h * g_.in_w * g_.in_c;
  int32_t* const a = scratch.a;
  for (size_t first = first_row; first < end_row; first += block_rows_) {
    const size_t block = std::min(block_rows_, end_row - first);
    for (size_t g = 0; g < block; g += kTileRows) {
      pack_group(input, input_end, first + g, std::min(kTileRows, block - g), a + g * pairs_, scratch);
    }
    for (size_t t = 0; t < tiles_; ++t) {
      const size_t oc = t * kTileChannels;
      const size_t channels = std::min(kTileChannels, out_c - oc);
      const int16_t* w = weights_.data() + t * pairs_ * 2 * kTileChannels;
      const int32_t* bias = bias_.data() + oc;
      T* out = output + first * out_c + oc;
      for (size_t g = 0; g < block; g += kTileRows) {
        with_rows(std::min(kTileRows, block - g), [&](auto rows) {
          constexpr size_t kRows = decltype(rows)::value;
          I32 acc[kRows][2];
          accumulate<kRows>(a + g * pairs_, pairs_, w, bias, acc);
          store_tile<kRows, E>(acc, q, clamp, oc, out + g * out_c, out_c, channels);
        });
      }
    }
  }
}

// The input rows that output pixels [first_row, end_row) read, widened into
// their places in `padded`.
template <class T>
void Conv2D::widen_rows(const T* input, size_t first_row, size_t end_row, int16_t* padded) const {
  const size_t in_values = static_cast<size_t>(g_.in_w) * g_.in_c;
  const size_t begin = window_row(pixel_of(first_row));
  const size_t end = window_row(pixel_of(end_row - 1)) + static_cast<size_t>(g_.kernel_h - 1) * g_.dilation_h + 1;
  for (size_t r = begin; r < end; ++r) {
    const size_t image = r / padded_h_;
    const int iy = static_cast<int>(r % padded_h_) - g_.pad_top;
    if (iy < 0 || iy >= g_.in_h) continue;
    const T* src = input + (image * g_.in_h + static_cast<size_t>(iy)) * in_values;
    int16_t* dst = padded + r * padded_row_ + static_cast<size_t>(g_.pad_left) * g_.in_c;
    size_t i = 0;
    for (; i + kLanes16 <= in_values; i += kLanes16) load_widened(src + i).store_unaligned(dst + i);
    for (; i < in_values; ++i) dst[i] = src[i];
  }
}

template <class T, Epilogue E>
MNW_SIMD_FLATTEN void Conv2D::run_windows(const T* input, T* output, size_t first_row, size_t end_row,
                                          int16_t* padded) const {
  const RequantView q = requantizer_.view();
  const OutputClamp<T> clamp(requantizer_);
  const size_t out_c = static_cast<size_t>(g_.out_c);
  const size_t segment_pairs = pairs_ / segments_;
  widen_rows(input, first_row, end_row, padded);
  Pixel at = pixel_of(first_row);
  for (size_t first = first_row; first < end_row; first += kTileRows) {
    const size_t rows = std::min(kTileRows, end_row - first);
    const int16_t* windows[kTileRows];
    for (size_t r = 0; r < rows; ++r, at = next(at)) windows[r] = window(padded, at);
    with_rows(rows, [&](auto rows_constant) {
      constexpr size_t kRows = decltype(rows_constant)::value;
      for (size_t t = 0; t < tiles_; ++t) {
        const size_t oc = t * kTileChannels;
        I32 acc[kRows][2];
        accumulate_windows<kRows>(windows, segment_offsets_.data(), segments_, segment_pairs,
                                  weights_.data() + t * pairs_ * 2 * kTileChannels, bias_.data() + oc, acc);
        store_tile<kRows, E>(acc, q, clamp, oc, output + first * out_c + oc, out_c,
                             std::min(kTileChannels, out_c - oc));
      }
    });
  }
}

void Conv2D::run_units(const void* input, void* output, size_t begin, size_t end, int thread) const {
  const size_t first = begin * kTileRows, last = std::min(end * kTileRows, rows_);
  if (first >= last) return;
  with_epilogue(dtype_, requantizer_.epilogue(), input, output, [&](auto* in, auto* out, auto epilogue) {
    using T = std::remove_pointer_t<decltype(out)>;
    if (pointwise_) {
      run_pointwise<T, decltype(epilogue)::value>(in, out, first, last, scratch(thread));
    } else {
      run_windows<T, decltype(epilogue)::value>(in, out, first, last, padded(thread));
    }
  });
}

// One output pixel's accumulators for kTiles weight tiles: every k-pair of
// the tiles times the broadcast input pair, 2 * kTiles vectors in
// registers. A function of its own, like accumulate().
template <size_t kTiles>
__attribute__((noinline)) void accumulate_pixel(const int16_t* x, size_t pairs, const uint8_t* w, size_t tile_stride,
                                                I32 (&acc)[kTiles][2]) {
  I32 sum[kTiles][2];
#pragma GCC unroll 4
  for (size_t t = 0; t < kTiles; ++t) {
    sum[t][0] = acc[t][0];
    sum[t][1] = acc[t][1];
  }
  for (const int16_t* end = x + 2 * pairs; x != end; x += 2, w += 2 * kLanes16) {
    int32_t both;
    std::memcpy(&both, x, sizeof both);
    const I16 pair = xsimd::bitwise_cast<int16_t>(I32(both));
#pragma GCC unroll 4
    for (size_t t = 0; t < kTiles; ++t) {
      sum[t][0] = dot_add_i16(sum[t][0], pair, load_widened(w + t * tile_stride));
      sum[t][1] = dot_add_i16(sum[t][1], pair, load_widened(w + t * tile_stride + kLanes16));
    }
  }
#pragma GCC unroll 4
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

// The smallest and largest of k weights (0 and 0 for none). A plain loop
// that compilers vectorize: std::minmax_element took a tenth of a model's
// load time.
std::pair<int32_t, int32_t> weight_range(const int16_t* w, size_t k) {
  if (k == 0) return {0, 0};
  int16_t lo = w[0], hi = w[0];
  for (size_t i = 1; i < k; ++i) {
    lo = std::min(lo, w[i]);
    hi = std::max(hi, w[i]);
  }
  return {lo, hi};
}

bool Conv2DSingleRow::handles(const ConvDesc& d) {
  const ConvGeometry& g = d.geometry;
  const bool single_pixel = g.batch == 1 && g.out_h == 1 && g.out_w == 1 && g.in_h == 1 && g.in_w == 1 &&
                            g.kernel_h == 1 && g.kernel_w == 1;
  if (!single_pixel || g.in_c > 8192) return false;
  for (size_t oc = 0; oc < static_cast<size_t>(g.out_c); ++oc) {
    const auto [lo, hi] = weight_range(d.filter.data() + oc * g.in_c, static_cast<size_t>(g.in_c));
    if (hi - lo > 255) return false;
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
    const int32_t offset = -weight_range(src, k_).first;
    offsets_[oc] = offset;
    const auto shifted = [offset](int16_t w) { return static_cast<uint8_t>(w + offset); };
    bias_[oc] = pack_channel(d, oc, k_, k_, pairs_, weights_.data(), shifted);
  }
}

template <class T, Epilogue E>
MNW_SIMD_FLATTEN void Conv2DSingleRow::run_typed(const T* input, T* output, size_t begin, size_t end,
                                                 int16_t* x) const {
  const RequantView q = requantizer_.view();
  const OutputClamp<T> clamp(requantizer_);
  int32_t input_sum = 0;
  for (size_t k = 0; k < k_; ++k) input_sum += x[k] = input[k];
  const I32 sum(input_sum);
  const size_t tile_stride = pairs_ * 2 * kTileChannels;
  // Two tiles at a time share each broadcast; an odd last one alone.
  const auto tiles = [&]<size_t kTiles>(size_t first) {
    I32 acc[kTiles][2];
#pragma GCC unroll 4
    for (size_t t = 0; t < kTiles; ++t) {
      const size_t oc = (first + t) * kTileChannels;
      for (size_t v = 0; v < 2; ++v) {
        acc[t][v] = I32::load_aligned(bias_.data() + oc + v * kLanes) -
                    I32::load_aligned(offsets_.data() + oc + v * kLanes) * sum;
      }
    }
    accumulate_pixel<kTiles>(x, pairs_, weights_.data() + first * tile_stride, tile_stride, acc);
#pragma GCC unroll 4
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
