#include "kernels/simd/depthwise_conv_2d.hpp"

#include "kernels/simd/xsimd_extensions.hpp"
#if MNW_SIMD_KERNELS

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

#include "core/copy.hpp"
#include "kernels/simd/requantize.hpp"

namespace mnw::simd {
namespace {

constexpr size_t kGroup = kLanes16;      // channels of one widened load (8 on wasm)
constexpr size_t kBlock = 2 * kGroup;    // channels per step of the main loops
constexpr size_t kAccumulators = 4096;   // int32 per chunk of pixels: 16 KB

size_t round_up(size_t n, size_t m) { return (n + m - 1) / m * m; }

// Where the taps of output pixel p are: a list of pointers per pixel (at the
// edges, where some taps read the zero-point row), or one pointer per pixel
// plus fixed offsets (inside, where the taps move with the pixel).
template <class T>
struct TapList {
  const void* const* taps;  // taps_per_pixel per pixel
  size_t taps_per_pixel;
  const T* tap(size_t p, size_t t) const { return static_cast<const T*>(taps[p * taps_per_pixel + t]); }
};
template <class T>
struct TapWindow {
  const T* first;            // top-left tap of pixel 0
  ptrdiff_t pixel_step;      // between pixels
  const ptrdiff_t* offsets;  // of the taps from the top-left one
  const T* tap(size_t p, size_t t) const { return first + static_cast<ptrdiff_t>(p) * pixel_step + offsets[t]; }
};

// acc[p * channels + c] = bias + the taps of pixel p (2 * pairs of them)
// times their weights. The last group of a pixel may spill into the next
// pixel's accumulators (rewritten next) or the slack at the end. A function
// of its own with several callers: V8 allocates registers per function, and
// spilled the accumulators inside the tap loop when it shared one with the
// pixel loops (measured: 1.4x); binaryen leaves a function with several
// callers alone.
template <class Taps>
__attribute__((noinline)) void accumulate_pixels(Taps taps, size_t pixels, size_t pairs, const int16_t* weights,
                                                 const int32_t* bias, size_t channels, int32_t* acc) {
  const size_t groups = (channels + kGroup - 1) / kGroup;
  const size_t group_weights = pairs * 2 * kLanes16;
  for (size_t p = 0; p < pixels; ++p, acc += channels) {
    size_t g = 0;
    // Two groups at a time: the tap pointers are loaded once for both.
    for (; g + 2 <= groups; g += 2) {
      const size_t c = g * kGroup;
      I32 a0 = I32::load_aligned(bias + c), a1 = I32::load_aligned(bias + c + kLanes);
      I32 a2 = I32::load_aligned(bias + c + 2 * kLanes), a3 = I32::load_aligned(bias + c + 3 * kLanes);
      const int16_t* w0 = weights + g * group_weights;
      const int16_t* w1 = w0 + group_weights;
      for (size_t i = 0; i < pairs; ++i, w0 += 2 * kLanes16, w1 += 2 * kLanes16) {
        const auto* t0 = taps.tap(p, 2 * i) + c;
        const auto* t1 = taps.tap(p, 2 * i + 1) + c;
        const I16 x0 = load_widened(t0), x1 = load_widened(t1);
        const I16 y0 = load_widened(t0 + kGroup), y1 = load_widened(t1 + kGroup);
        const auto x = zip(x0, x1), y = zip(y0, y1);
        a0 = dot_add_i16(a0, x.lo, I16::load_aligned(w0));
        a1 = dot_add_i16(a1, x.hi, I16::load_aligned(w0 + kLanes16));
        a2 = dot_add_i16(a2, y.lo, I16::load_aligned(w1));
        a3 = dot_add_i16(a3, y.hi, I16::load_aligned(w1 + kLanes16));
      }
      a0.store_unaligned(acc + c);
      a1.store_unaligned(acc + c + kLanes);
      a2.store_unaligned(acc + c + 2 * kLanes);
      a3.store_unaligned(acc + c + 3 * kLanes);
    }
    if (g < groups) {
      const size_t c = g * kGroup;
      I32 lo = I32::load_aligned(bias + c), hi = I32::load_aligned(bias + c + kLanes);
      const int16_t* w = weights + g * group_weights;
      for (size_t i = 0; i < pairs; ++i, w += 2 * kLanes16) {
        const I16 x0 = load_widened(taps.tap(p, 2 * i) + c), x1 = load_widened(taps.tap(p, 2 * i + 1) + c);
        const auto x = zip(x0, x1);
        lo = dot_add_i16(lo, x.lo, I16::load_aligned(w));
        hi = dot_add_i16(hi, x.hi, I16::load_aligned(w + kLanes16));
      }
      lo.store_unaligned(acc + c);
      hi.store_unaligned(acc + c + kLanes);
    }
  }
}

// The accumulators of `pixels` pixels to out, kBlock values per step. With
// one multiplier per tensor the channel does not matter: one flat loop.
template <Epilogue E, class T>
void requantize_pixels(const int32_t* acc, size_t pixels, size_t channels, const RequantView& q,
                       const OutputClamp<T>& clamp, T* out) {
  const auto block = [&](const int32_t* a, size_t c) {
    const I16 lo = requantize_pair<E>(q, I32::load_unaligned(a), I32::load_unaligned(a + kLanes), c);
    const I16 hi = requantize_pair<E>(q, I32::load_unaligned(a + 2 * kLanes), I32::load_unaligned(a + 3 * kLanes),
                                      c + 2 * kLanes);
    return clamp(lo, hi);
  };
  const auto store = [](T* dst, xsimd::batch<T, Arch> bytes, size_t count) {
    if (count == kBlock) return bytes.store_unaligned(dst);
    alignas(Arch::alignment()) T tail[kBlock];
    bytes.store_aligned(tail);
    std::memcpy(dst, tail, count * sizeof(T));
  };
  if constexpr (E == Epilogue::kDoubleRoundingPerTensor || E == Epilogue::kSingleRoundingPerTensor ||
                E == Epilogue::kDoubleRoundingPreShifted || E == Epilogue::kSingleRoundingPreShifted) {
    const size_t count = pixels * channels;
    for (size_t i = 0; i < count; i += kBlock) store(out + i, block(acc + i, 0), std::min(kBlock, count - i));
  } else {
    for (size_t p = 0; p < pixels; ++p, acc += channels, out += channels) {
      for (size_t c = 0; c < channels; c += kBlock) store(out + c, block(acc + c, c), std::min(kBlock, channels - c));
    }
  }
}

// Calls f(std::integral_constant<int, i>) for i in [0, N): the window's
// loops unrolled, so that its state lives in registers.
template <class F, int... I>
MNW_SIMD_INLINE void unroll(F&& f, std::integer_sequence<int, I...>) {
  (f(std::integral_constant<int, I>{}), ...);
}
template <int N, class F>
MNW_SIMD_INLINE void unroll(F&& f) {
  unroll(f, std::make_integer_sequence<int, N>{});
}

// The K x K window at stride S (1 or 2, no dilation): which taps pair up.
// Rows 2k and 2k+1 pair vertically, column by column, so a zipped column
// serves every pixel whose window covers it; the last row pairs
// horizontally, columns (0, 1), (2, 3)..., and its last tap goes with a
// zero weight into the pair that a neighbouring pixel also uses: columns
// (K-2, K-1) at stride 1, (K-1, K) at stride 2 (one column past the window).
template <int K, int S>
struct Window {
  static constexpr int kVertical = (K - 1) / 2;         // pairs of rows
  static constexpr int kSingle = S == 1 ? K - 2 : K - 1;  // the last tap's pair
  static constexpr int kColumns = S == 1 ? K : K + 1;     // read per pixel
};

// Where window_pixels reads and writes: the K input rows of an output row
// (at column 0 and the group's first channel; the zero-point row above and
// below the input), and the zero-point pixel for the columns left and right.
template <class T>
struct WindowRow {
  const T* rows[5];
  const T* zero;
  int first_column;  // of the first pixel's window; negative in the padding
  int in_w;
  size_t pixels, channels;
  T* out;        // the first pixel's group
  size_t count;  // channels in the group
};

// One channel group (kGroup channels from c) of a row of output pixels (at
// least one). Two pixels per step share the weights' loads and one
// narrowing (measured: 1.05x in wasm, and stride 2 1.45x natively); per step
// only the new columns are loaded and zipped, the rest shift along; the
// accumulators go straight to the requantization. Columns outside the input
// are read from the zero-point pixel: every column where the window meets
// the padding, unchecked loads in between. noinline: see accumulate_pixels.
template <int K, int S, Epilogue E, class T>
__attribute__((noinline)) MNW_SIMD_FLATTEN void window_pixels(const WindowRow<T>& row, const int16_t* weights,
                                                              const int32_t* bias, const RequantView& q, size_t c,
                                                              const OutputClamp<T>& clamp) {
  using W = Window<K, S>;
  constexpr int kVerticalColumns = K + S;           // of two neighbouring pixels
  constexpr int kPairs = W::kColumns - 1 + S;       // the last row's pairs, by first column
  using Zipped = simd::Zipped<int16_t, Arch>;
  const size_t pixels = row.pixels, channels = row.channels, count = row.count;
  const T* r[K];
  for (int k = 0; k < K; ++k) r[k] = row.rows[k];
  T* out = row.out;
  // The first column of the current (first of two) pixel's window, and its
  // offset in elements.
  int column = row.first_column;
  ptrdiff_t offset = static_cast<ptrdiff_t>(column) * static_cast<ptrdiff_t>(channels);
  // Column j of row k; checked (std::bool_constant): it may be outside the input.
  const auto load = [&](auto checked, int k, int j) {
    if (checked && static_cast<unsigned>(column + j) >= static_cast<unsigned>(row.in_w)) {
      return load_widened(row.zero);
    }
    return load_widened(r[k] + offset + static_cast<ptrdiff_t>(j * channels));
  };
  // Columns relative to the first pixel's first: vertical pairs, and the
  // last row's horizontal pairs (pair[j]: columns j and j + 1; at stride 2
  // only even j are used). last: the last row's column kPairs (stride 1).
  Zipped vertical[W::kVertical][kVerticalColumns];
  Zipped pair[kPairs];
  I16 last;
  const auto load_vertical = [&](auto checked, int j) {
    unroll<W::kVertical>([&](auto v) { vertical[v][j] = zip(load(checked, 2 * v, j), load(checked, 2 * v + 1, j)); });
  };
  const auto load_pair = [&](auto checked, int j) {
    if constexpr (S == 1) {
      const I16 next = load(checked, K - 1, j + 1);
      pair[j] = zip(last, next);
      last = next;
    } else if (j % 2 == 0) {
      pair[j] = zip(load(checked, K - 1, j), load(checked, K - 1, j + 1));
    }
  };
  constexpr std::true_type kChecked;
  // Everything N pixels (1 or 2) read.
  const auto fill = [&](auto n) {
    constexpr int N = decltype(n)::value;
    unroll<K + (N - 1) * S>([&](auto j) { load_vertical(kChecked, j); });
    if constexpr (S == 1) last = load(kChecked, K - 1, 0);
    unroll<W::kColumns - 1 + (N - 1) * S>([&](auto j) { load_pair(kChecked, j); });
  };
  const I32 bias_lo = I32::load_aligned(bias + c), bias_hi = I32::load_aligned(bias + c + kLanes);
  // N pixels (1 or 2) from the columns in place, to out.
  const auto compute = [&](auto n) {
    constexpr int N = decltype(n)::value;
    I32 lo[N], hi[N];
    unroll<N>([&](auto i) {
      lo[i] = bias_lo;
      hi[i] = bias_hi;
    });
    const int16_t* w = weights;
    // x(i): pixel i's input vectors for the next pair of weights.
    const auto add = [&](auto x) {
      const I16 wl = I16::load_aligned(w), wh = I16::load_aligned(w + kLanes16);
      unroll<N>([&](auto i) {
        lo[i] = dot_add_i16(lo[i], x(i).lo, wl);
        hi[i] = dot_add_i16(hi[i], x(i).hi, wh);
      });
      w += 2 * kLanes16;
    };
    unroll<W::kVertical>([&](auto v) {
      unroll<K>([&](auto j) { add([&](auto i) -> const Zipped& { return vertical[v][j + i * S]; }); });
    });
    unroll<(K - 1) / 2>([&](auto m) { add([&](auto i) -> const Zipped& { return pair[2 * m + i * S]; }); });
    add([&](auto i) -> const Zipped& { return pair[W::kSingle + i * S]; });
    const I16 first = requantize_pair<E>(q, lo[0], hi[0], c);
    const auto bytes = clamp(first, N == 2 ? requantize_pair<E>(q, lo[N - 1], hi[N - 1], c) : first);
    if (count == kGroup) {
      store_half<0>(out, bytes);
      if constexpr (N == 2) store_half<1>(out + channels, bytes);
    } else {
      alignas(Arch::alignment()) T tail[kBlock];
      bytes.store_aligned(tail);
      std::memcpy(out, tail, count * sizeof(T));
      if constexpr (N == 2) std::memcpy(out + channels, tail + kGroup, count * sizeof(T));
    }
  };
  constexpr std::integral_constant<int, 1> kOne;
  constexpr std::integral_constant<int, 2> kTwo;
  const auto advance = [&](int n) {
    out += n * channels;
    column += n * S;
    offset += static_cast<ptrdiff_t>(n * S * channels);
  };
  // Shifts the columns by two pixels and loads the new ones.
  const auto step = [&](auto checked) {
    advance(2);
    unroll<K - S>([&](auto j) { unroll<W::kVertical>([&](auto v) { vertical[v][j] = vertical[v][j + 2 * S]; }); });
    unroll<2 * S>([&](auto j) { load_vertical(checked, K - S + j); });
    unroll<kPairs - 2 * S>([&](auto j) { pair[j] = pair[j + 2 * S]; });
    unroll<2 * S>([&](auto j) { load_pair(checked, kPairs - 2 * S + j); });
  };
  size_t p = 0;
  if (pixels >= 2) {
    fill(kTwo);
    for (;;) {
      compute(kTwo);
      p += 2;
      if (pixels - p < 2) break;
      // The next two pixels' new columns, column + K + S to column + 3S +
      // kColumns - 1, inside the input: unchecked loads.
      if (column + K + S >= 0 && column + 3 * S + W::kColumns - 1 < row.in_w) {
        step(std::false_type{});
      } else {
        step(kChecked);
      }
    }
    if (p == pixels) return;
    advance(2);
  }
  // An odd last pixel.
  fill(kOne);
  compute(kOne);
}

class DepthwiseConv2D final : public ConvKernel {
 public:
  explicit DepthwiseConv2D(const ConvDesc& d);
  // A unit is one row of output pixels.
  size_t work_units() const override { return static_cast<size_t>(g_.batch) * g_.out_h; }
  void run_units(const void* input, void* output, size_t begin, size_t end, int thread) const override;
  const char* name() const override { return "simd depthwise_conv_2d"; }

 private:
  // One thread's scratch: the input pixels near the end of the tensor, copied
  // with slack for the last group's over-read; the tap pointers and
  // accumulators of a chunk of output pixels.
  struct Scratch {
    unsigned char* bounce;
    const void** taps;
    int32_t* accumulators;
  };
  Scratch scratch(int thread) const {
    const auto t = static_cast<size_t>(thread);
    return {bounce_.data() + t * bounce_bytes_, taps_.data() + t * chunk_pixels_ * 2 * pairs_,
            accumulators_.data() + t * accumulator_count_};
  }
  template <class T, Epilogue E>
  void run_typed(const T* input, T* output, size_t first_row, size_t end_row, Scratch scratch) const;
  template <class T>
  using WindowFunction = void (*)(const WindowRow<T>&, const int16_t*, const int32_t*, const RequantView&, size_t,
                                  const OutputClamp<T>&);
  template <class T, Epilogue E>
  WindowFunction<T> window_function() const;

  ConvGeometry g_;
  DType dtype_;
  size_t channels_, padded_channels_, pairs_, chunk_pixels_;
  // 3x3 and 5x5 at stride 1 or 2 without dilation take window_pixels
  // inside the input; window_k_ is 0 otherwise.
  int window_k_ = 0, window_s_ = 0;
  // Input zero points: a pixel's padded_channels_ for the tap lists, or a
  // whole input row (plus a group's over-read) for window_pixels.
  std::vector<unsigned char> zero_point_row_;
  AlignedVector<int16_t> weights_;             // [group][tap pair][2 vectors]
  AlignedVector<int16_t> window_weights_;      // the same, pairs in Window's order
  AlignedVector<int32_t> bias_;                // zero point folded in
  std::vector<ptrdiff_t> offsets_;             // of the taps from the top-left one, in elements
  Requantizer requantizer_;
  size_t bounce_pixels_, bounce_bytes_;
  size_t accumulator_count_;  // per thread, a multiple of kBlock (alignment)
  // Scratch of every thread, one Scratch after the other.
  mutable std::vector<unsigned char> bounce_;
  mutable std::vector<const void*> taps_;
  mutable AlignedVector<int32_t> accumulators_;
};

DepthwiseConv2D::DepthwiseConv2D(const ConvDesc& d)
    : g_(d.geometry),
      dtype_(d.dtype),
      channels_(static_cast<size_t>(g_.out_c)),
      padded_channels_(round_up(channels_, kBlock)),
      pairs_(static_cast<size_t>(g_.kernel_h * g_.kernel_w + 1) / 2),
      chunk_pixels_(std::clamp<size_t>(kAccumulators / channels_, 1, static_cast<size_t>(g_.out_w))),
      zero_point_row_(padded_channels_, static_cast<unsigned char>(d.input_zero_point)),
      weights_(padded_channels_ * pairs_ * 2, 0),
      bias_(padded_channels_, 0),
      requantizer_(scaled_weights_requantizer(d, padded_channels_, FilterLayout::kDepthwise)),
      accumulator_count_(round_up(chunk_pixels_ * channels_ + kBlock, kBlock)),
      taps_(static_cast<size_t>(d.threads) * chunk_pixels_ * 2 * pairs_),
      accumulators_(static_cast<size_t>(d.threads) * accumulator_count_) {
  const size_t taps = static_cast<size_t>(g_.kernel_h) * g_.kernel_w;
  for (int ky = 0; ky < g_.kernel_h; ++ky) {
    for (int kx = 0; kx < g_.kernel_w; ++kx) {
      offsets_.push_back((static_cast<ptrdiff_t>(ky) * g_.dilation_h * g_.in_w + kx * g_.dilation_w) *
                         static_cast<ptrdiff_t>(channels_));
    }
  }
  if (taps % 2 != 0) offsets_.push_back(offsets_.back());
  const int k = g_.kernel_h, s = g_.stride_h;
  if ((k == 3 || k == 5) && g_.kernel_w == k && (s == 1 || s == 2) && g_.stride_w == s && g_.dilation_h == 1 &&
      g_.dilation_w == 1) {
    window_k_ = k;
    window_s_ = s;
    window_weights_.assign(weights_.size(), 0);
    zero_point_row_.resize(std::max(padded_channels_, static_cast<size_t>(g_.in_w) * channels_ + kGroup),
                           static_cast<unsigned char>(d.input_zero_point));
  }
  for (size_t c = 0; c < channels_; ++c) {
    // Group, then tap pair, then which of the two vectors, then lane pair.
    const size_t lane = c / kGroup * pairs_ * 2 * kLanes16 + c % kGroup / kLanes * kLanes16 + c % kLanes * 2;
    // Weights and bias times the factor the requantizer leaves to them.
    const int32_t scale = requantizer_.weight_scale(c);
    uint32_t sum = 0;
    for (size_t t = 0; t < taps; ++t) {
      const int16_t w = d.filter[t * channels_ + c];
      weights_[lane + t / 2 * 2 * kLanes16 + t % 2] = static_cast<int16_t>(w * scale);
      sum += static_cast<uint32_t>(w);
    }
    if (window_k_ != 0) {
      // Window's pairs: vertical ones, the last row's, its last tap.
      const auto w = [&](int ky, int kx) {
        return static_cast<int16_t>(d.filter[static_cast<size_t>(ky * k + kx) * channels_ + c] * scale);
      };
      const auto put = [&](size_t pair, int16_t first, int16_t second) {
        window_weights_[lane + pair * 2 * kLanes16] = first;
        window_weights_[lane + pair * 2 * kLanes16 + 1] = second;
      };
      size_t pair = 0;
      for (int ky = 0; ky + 1 < k; ky += 2) {
        for (int kx = 0; kx < k; ++kx) put(pair++, w(ky, kx), w(ky + 1, kx));
      }
      for (int kx = 0; kx + 1 < k; kx += 2) put(pair++, w(k - 1, kx), w(k - 1, kx + 1));
      if (s == 1) {
        put(pair, 0, w(k - 1, k - 1));
      } else {
        put(pair, w(k - 1, k - 1), 0);
      }
    }
    // Within the accumulator bound, so the scaled bias fits.
    bias_[c] = scale * static_cast<int32_t>(static_cast<uint32_t>(d.bias[c]) -
                                            static_cast<uint32_t>(d.input_zero_point) * sum);
  }
  const size_t input_pixels = static_cast<size_t>(g_.batch) * g_.in_h * g_.in_w;
  const size_t read_channels = round_up(channels_, kGroup);
  bounce_pixels_ = read_channels == channels_ ? 0 : std::min(input_pixels, read_channels / channels_ + 1);
  bounce_bytes_ = bounce_pixels_ * channels_ + read_channels;
  bounce_.assign(static_cast<size_t>(d.threads) * bounce_bytes_, 0);
}

template <class T, Epilogue E>
MNW_SIMD_FLATTEN void DepthwiseConv2D::run_typed(const T* input, T* output, size_t first_row, size_t end_row,
                                Scratch scratch) const {
  const RequantView q = requantizer_.view();
  const OutputClamp<T> clamp(requantizer_);
  const ConvGeometry& g = g_;
  const size_t c_count = channels_;
  const size_t in_row = static_cast<size_t>(g.in_w) * c_count;
  const T* zero_point_row = reinterpret_cast<const T*>(zero_point_row_.data());
  // Input pointers at or past bounce_from move into the padded copy.
  const T* bounce_from = input + static_cast<size_t>(g.batch) * g.in_h * in_row - bounce_pixels_ * c_count;
  const T* bounce = reinterpret_cast<const T*>(scratch.bounce);
  copy_bytes(scratch.bounce, bounce_from, bounce_pixels_ * c_count * sizeof(T));
  const void** taps = scratch.taps;
  const int taps_per_pixel = static_cast<int>(2 * pairs_);
  const int span_h = (g.kernel_h - 1) * g.dilation_h, span_w = (g.kernel_w - 1) * g.dilation_w;
  // Output columns whose taps all lie inside the input columns.
  const int inside_begin = std::min(g.out_w, (g.pad_left + g.stride_w - 1) / g.stride_w);
  const int last_left = g.in_w - 1 - span_w + g.pad_left;  // stride_w * ox may reach this
  const int inside_end = last_left < 0 ? inside_begin
                                       : std::max(inside_begin, std::min(g.out_w, last_left / g.stride_w + 1));
  const bool needs_bounce = bounce_pixels_ > 0;
  const WindowFunction<T> window = window_function<T, E>();

  for (size_t row = first_row; row < end_row; ++row) {
    const int b = static_cast<int>(row / static_cast<size_t>(g.out_h));
    const int oy = static_cast<int>(row % static_cast<size_t>(g.out_h));
    const T* image = input + static_cast<size_t>(b) * g.in_h * in_row;
    const int iy0 = oy * g.stride_h - g.pad_top;
    T* out_row = output + (static_cast<size_t>(b) * g.out_h + oy) * g.out_w * c_count;
    // Columns [begin, end) as one chunk after another: listed taps at the
    // edges, a window where every tap is inside the input.
    const auto run_columns = [&](int begin, int end, bool window) {
      for (int ox0 = begin; ox0 < end; ox0 += static_cast<int>(chunk_pixels_)) {
        const size_t pixels = static_cast<size_t>(std::min(static_cast<int>(chunk_pixels_), end - ox0));
        if (window) {
          const T* first = image + static_cast<size_t>(iy0) * in_row +
                           static_cast<size_t>(ox0 * g.stride_w - g.pad_left) * c_count;
          const auto pixel_step = static_cast<ptrdiff_t>(g.stride_w) * static_cast<ptrdiff_t>(c_count);
          accumulate_pixels(TapWindow<T>{first, pixel_step, offsets_.data()}, pixels, pairs_, weights_.data(),
                            bias_.data(), c_count, scratch.accumulators);
        } else {
          const void** tap = taps;
          for (int ox = ox0; ox < ox0 + static_cast<int>(pixels); ++ox) {
            const int ix0 = ox * g.stride_w - g.pad_left;
            const void** pixel_taps = tap;
            for (int ky = 0; ky < g.kernel_h; ++ky) {
              const int iy = iy0 + ky * g.dilation_h;
              const T* row = iy >= 0 && iy < g.in_h ? image + static_cast<size_t>(iy) * in_row : nullptr;
              for (int kx = 0; kx < g.kernel_w; ++kx) {
                const int ix = ix0 + kx * g.dilation_w;
                const T* p = row && ix >= 0 && ix < g.in_w ? row + static_cast<size_t>(ix) * c_count : zero_point_row;
                if (needs_bounce && p != zero_point_row && p >= bounce_from) p = bounce + (p - bounce_from);
                *tap++ = p;
              }
            }
            // An odd tap count: the last pair's second weight is zero.
            if (tap - pixel_taps < taps_per_pixel) {
              *tap = tap[-1];
              ++tap;
            }
          }
          accumulate_pixels(TapList<T>{taps, static_cast<size_t>(taps_per_pixel)}, pixels, pairs_,
                            weights_.data(), bias_.data(), c_count, scratch.accumulators);
        }
        requantize_pixels<E>(scratch.accumulators, pixels, c_count, q, clamp,
                             out_row + static_cast<size_t>(ox0) * c_count);
      }
    };
    // TapWindow needs every row inside, and no pixel near the end of the
    // input (those are read through the bounce copy).
    const bool rows_inside = iy0 >= 0 && iy0 + span_h < g.in_h &&
                             !(needs_bounce && image + static_cast<size_t>(iy0 + span_h + 1) * in_row > bounce_from);
    // window_pixels takes the whole row, the rows above and below the input
    // from the zero-point row, but no pixel near the end of the input either.
    const int rows_end = std::min(iy0 + span_h + 1, g.in_h);
    if (window && !(needs_bounce && image + static_cast<size_t>(rows_end) * in_row > bounce_from)) {
      WindowRow<T> w{{}, zero_point_row, -g.pad_left, g.in_w, static_cast<size_t>(g.out_w), c_count, out_row, 0};
      for (size_t c = 0; c < c_count; c += kGroup) {
        for (int k = 0; k < window_k_; ++k) {
          const int iy = iy0 + k;
          w.rows[k] = (iy >= 0 && iy < g.in_h ? image + static_cast<size_t>(iy) * in_row : zero_point_row) + c;
        }
        w.zero = zero_point_row + c;
        w.out = out_row + c;
        w.count = std::min(kGroup, c_count - c);
        window(w, window_weights_.data() + c / kGroup * pairs_ * 2 * kLanes16, bias_.data(), q, c, clamp);
      }
    } else if (rows_inside && inside_begin < inside_end) {
      run_columns(0, inside_begin, false);
      run_columns(inside_begin, inside_end, true);
      run_columns(inside_end, g.out_w, false);
    } else {
      run_columns(0, g.out_w, false);
    }
  }
}

template <class T, Epilogue E>
auto DepthwiseConv2D::window_function() const -> WindowFunction<T> {
  // TFLite's depthwise kernels round twice; the other epilogues (tests,
  // positive exponents) take the general path rather than a quarter of the
  // module's code size.
  constexpr bool kDoubleRounding = E == Epilogue::kDoubleRounding || E == Epilogue::kDoubleRoundingPerTensor ||
                                   E == Epilogue::kDoubleRoundingPreShifted;
  if constexpr (!kDoubleRounding) {
    return nullptr;
  } else {
    switch (window_k_ * 10 + window_s_) {
      case 31: return window_pixels<3, 1, E, T>;
      case 32: return window_pixels<3, 2, E, T>;
      case 51: return window_pixels<5, 1, E, T>;
      case 52: return window_pixels<5, 2, E, T>;
      default: return nullptr;
    }
  }
}

void DepthwiseConv2D::run_units(const void* input, void* output, size_t begin, size_t end, int thread) const {
  with_epilogue(dtype_, requantizer_.epilogue(), input, output, [&](auto* in, auto* out, auto epilogue) {
    using T = std::remove_pointer_t<decltype(out)>;
    run_typed<T, decltype(epilogue)::value>(in, out, begin, end, scratch(thread));
  });
}

}  // namespace

std::unique_ptr<ConvKernel> make_depthwise_conv_2d(const ConvDesc& desc) {
  if (desc.dtype != DType::kUInt8 && desc.dtype != DType::kInt8) return nullptr;
  // Depth multiplier 1 only.
  if (desc.geometry.in_c != desc.geometry.out_c) return nullptr;
  return std::make_unique<DepthwiseConv2D>(desc);
}

}  // namespace mnw::simd

#endif
