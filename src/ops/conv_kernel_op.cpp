#include "ops/conv_kernel_op.hpp"

#include <utility>

namespace mnw {
namespace {

// Below this many multiply-accumulates a layer runs on the calling thread:
// waking the others would cost about as much as it saves (a few microseconds
// of work; the squeeze-and-excitation layers of MobileNet V3).
constexpr int64_t kMinParallelMacs = int64_t{1} << 17;

class ConvKernelOp final : public Operator {
 public:
  ConvKernelOp(const OpContext& ctx, std::unique_ptr<ConvKernel> kernel, bool parallel)
      : kernel_(std::move(kernel)),
        pool_(ctx.thread_pool()),
        parallel_(parallel),
        input_(ctx.input_index(0)),
        output_(ctx.output_index(0)) {}

  void run(const TensorData& t) override {
    const void* input = t.get(input_);
    void* output = t.get(output_);
    if (!parallel_) return kernel_->run(input, output);
    pool_.parallel_for(kernel_->work_units(), [&](size_t begin, size_t end, int thread) {
      kernel_->run_units(input, output, begin, end, thread);
    });
  }

 private:
  std::unique_ptr<ConvKernel> kernel_;
  ThreadPool& pool_;
  bool parallel_;
  int32_t input_;
  int32_t output_;
};

}  // namespace

OperatorPtr make_conv_kernel_op(const OpContext& ctx, ConvDesc desc, ConvKind kind) {
  const ConvGeometry& g = desc.geometry;
  const int64_t taps = static_cast<int64_t>(g.kernel_h) * g.kernel_w * (kind == ConvKind::kDepthwise ? 1 : g.in_c);
  const int64_t macs = static_cast<int64_t>(g.batch) * g.out_h * g.out_w * g.out_c * taps;
  const bool parallel = ctx.thread_pool().threads() > 1 && macs >= kMinParallelMacs;
  desc.threads = ctx.thread_pool().threads();
  auto kernel = kind == ConvKind::kDepthwise ? make_depthwise_conv2d_kernel(ctx.kernel_path(), std::move(desc))
                                             : make_conv2d_kernel(ctx.kernel_path(), std::move(desc));
  return std::make_unique<ConvKernelOp>(ctx, std::move(kernel), parallel);
}

}  // namespace mnw
