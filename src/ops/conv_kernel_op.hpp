// An operator whose whole work is one ConvKernel (CONV_2D, DEPTHWISE_CONV_2D,
// FULLY_CONNECTED): it only binds tensors to the kernel.
#pragma once

#include <memory>

#include "graph/operator.hpp"
#include "kernels/conv2d.hpp"

namespace mnw {

class ConvKernelOp final : public Operator {
 public:
  ConvKernelOp(std::unique_ptr<ConvKernel> kernel, int32_t input, int32_t output)
      : kernel_(std::move(kernel)), input_(input), output_(output) {}
  void run(const TensorData& t) override { kernel_->run(t.get(input_), t.get(output_)); }

 private:
  std::unique_ptr<ConvKernel> kernel_;
  int32_t input_;
  int32_t output_;
};

}  // namespace mnw
