#include "support/tflite_builder.hpp"

#include <bit>

namespace mnw::test {

static_assert(std::endian::native == std::endian::little, "FlatBuffers are little-endian; so is every target we build");

// --- FlatBufferWriter ------------------------------------------------------------

void FlatBufferWriter::prepend(const void* data, size_t n) {
  if (n == 0) return;
  if (head_ < n) {
    // Grow at the front: the content moves to the end of a larger buffer.
    const size_t used = size();
    const size_t capacity = std::max<size_t>(2 * bytes_.size(), used + n + 256);
    std::vector<uint8_t> grown(capacity);
    if (used > 0) std::memcpy(grown.data() + capacity - used, bytes_.data() + head_, used);
    bytes_ = std::move(grown);
    head_ = capacity - used;
  }
  head_ -= n;
  std::memcpy(bytes_.data() + head_, data, n);
}

void FlatBufferWriter::pad_to(size_t alignment, size_t following) {
  max_alignment_ = std::max(max_alignment_, alignment);
  const uint8_t zero = 0;
  while ((size() + following) % alignment != 0) prepend(&zero, 1);
}

FlatBufferWriter::Ref FlatBufferWriter::prepend_u32(uint32_t value) {
  pad_to(4);
  prepend(&value, 4);
  return static_cast<Ref>(size());
}

// A uoffset is relative to where it is stored: target - position. In
// distances from the end that is (distance of the field) - (distance of the
// target), the field's distance being the size once it is written.
void FlatBufferWriter::prepend_uoffset(Ref target) {
  pad_to(4);
  const uint32_t offset = static_cast<uint32_t>(size() + 4 - target);
  prepend(&offset, 4);
}

FlatBufferWriter::Ref FlatBufferWriter::string(std::string_view s) {
  pad_to(4, s.size() + 1);
  const char terminator = '\0';
  prepend(&terminator, 1);
  prepend(s.data(), s.size());
  return prepend_u32(static_cast<uint32_t>(s.size()));
}

FlatBufferWriter::Ref FlatBufferWriter::offset_vector(const std::vector<Ref>& refs) {
  pad_to(4, 4 * refs.size());
  for (size_t i = refs.size(); i-- > 0;) prepend_uoffset(refs[i]);
  return prepend_u32(static_cast<uint32_t>(refs.size()));
}

FlatBufferWriter::Ref FlatBufferWriter::table(const Table& t) {
  // Inline fields, largest first so that little padding is needed.
  std::vector<Table::Field> fields = t.fields_;
  std::stable_sort(fields.begin(), fields.end(), [](const auto& a, const auto& b) { return a.size > b.size; });
  const size_t table_end = size();
  int slots = 0;
  std::vector<std::pair<int, size_t>> field_distance;  // field id, distance from the end
  for (const Table::Field& f : fields) {
    if (f.is_offset) {
      prepend_uoffset(f.ref);
    } else {
      pad_to(f.size);
      prepend(f.bytes, f.size);
    }
    field_distance.emplace_back(f.id, size());
    slots = std::max(slots, f.id + 1);
  }
  // The table starts with an int32 distance back to its vtable, patched below.
  const int32_t placeholder = 0;
  pad_to(4);
  prepend(&placeholder, 4);
  const size_t table_distance = size();

  // vtable: [vtable bytes, table bytes, offset of field 0, 1, ...], uint16
  // each, an offset of 0 meaning "absent".
  std::vector<uint16_t> vtable(2 + static_cast<size_t>(slots), 0);
  vtable[0] = static_cast<uint16_t>(2 * vtable.size());
  vtable[1] = static_cast<uint16_t>(table_distance - table_end);
  for (const auto& [id, distance] : field_distance) {
    vtable[2 + static_cast<size_t>(id)] = static_cast<uint16_t>(table_distance - distance);
  }
  // Tables with the same layout share one vtable, as FlatBuffers writers do;
  // an earlier one lies after this table, so the soffset is then negative.
  size_t vtable_distance = 0;
  for (const auto& [written, distance] : vtables_) {
    if (written == vtable) vtable_distance = distance;
  }
  if (vtable_distance == 0) {
    for (size_t i = vtable.size(); i-- > 0;) prepend(&vtable[i], 2);
    vtable_distance = size();
    vtables_.emplace_back(vtable, vtable_distance);
  }
  // The table's soffset is table position - vtable position.
  const int32_t soffset = static_cast<int32_t>(vtable_distance) - static_cast<int32_t>(table_distance);
  std::memcpy(bytes_.data() + bytes_.size() - table_distance, &soffset, 4);
  return static_cast<Ref>(table_distance);
}

std::vector<uint8_t> FlatBufferWriter::finish(Ref root, std::string_view file_identifier) {
  const size_t header = 4 + (file_identifier.empty() ? 0 : 4);
  // The whole buffer becomes a multiple of the largest alignment used, so
  // alignments counted from the end hold from the start too.
  pad_to(max_alignment_, header);
  if (!file_identifier.empty()) {
    char id[4] = {};
    std::memcpy(id, file_identifier.data(), std::min<size_t>(4, file_identifier.size()));
    prepend(id, 4);
  }
  prepend_uoffset(root);
  return std::vector<uint8_t>(bytes_.begin() + static_cast<std::ptrdiff_t>(head_), bytes_.end());
}

// --- ModelBuilder ------------------------------------------------------------------

int ModelBuilder::tensor(std::string name, int8_t type, std::vector<int32_t> shape, QuantSpec quant) {
  tensors_.push_back({std::move(name), type, std::move(shape), std::move(quant), 0});
  return static_cast<int>(tensors_.size() - 1);
}

uint32_t ModelBuilder::buffer(std::vector<uint8_t> data) {
  buffers_.push_back(std::move(data));
  return static_cast<uint32_t>(buffers_.size() - 1);
}

int ModelBuilder::constant(std::string name, int8_t type, std::vector<int32_t> shape, std::vector<uint8_t> data,
                           QuantSpec quant) {
  const uint32_t b = buffer(std::move(data));
  tensors_.push_back({std::move(name), type, std::move(shape), std::move(quant), b});
  return static_cast<int>(tensors_.size() - 1);
}

int ModelBuilder::opcode(int32_t builtin_code, int32_t version, std::string custom_code) {
  opcodes_.push_back({builtin_code, version, std::move(custom_code)});
  return static_cast<int>(opcodes_.size() - 1);
}

void ModelBuilder::op(uint32_t opcode_index, std::vector<int32_t> inputs, std::vector<int32_t> outputs,
                      BuiltinOptions options) {
  operators_.push_back({opcode_index, std::move(inputs), std::move(outputs), std::move(options), -1});
}

void ModelBuilder::builtin_op(int32_t builtin_code, std::vector<int32_t> inputs, std::vector<int32_t> outputs,
                              BuiltinOptions options) {
  int index = -1;
  for (size_t i = 0; i < opcodes_.size(); ++i) {
    if (opcodes_[i].builtin_code == builtin_code && opcodes_[i].custom_code.empty()) index = static_cast<int>(i);
  }
  if (index < 0) index = opcode(builtin_code);
  op(static_cast<uint32_t>(index), std::move(inputs), std::move(outputs), std::move(options));
}

void ModelBuilder::metadata(std::string name, std::vector<uint8_t> data) {
  metadata_.emplace_back(std::move(name), buffer(std::move(data)));
}

namespace {

using Ref = FlatBufferWriter::Ref;
using Table = FlatBufferWriter::Table;

// BuiltinOptions union type codes (schema.fbs).
enum OptionsType : uint8_t {
  kNoOptions = 0, kConv2DOptions = 1, kDepthwiseConv2DOptions = 2, kPool2DOptions = 5,
  kFullyConnectedOptions = 8, kSoftmaxOptions = 9, kAddOptions = 11, kReshapeOptions = 17,
  kMulOptions = 21, kReducerOptions = 27, kSubOptions = 28,
};

// Writes one options table; returns its union type and Ref (0 for none).
struct OptionsWriter {
  FlatBufferWriter& w;

  std::pair<uint8_t, Ref> operator()(std::monostate) { return {kNoOptions, 0}; }
  std::pair<uint8_t, Ref> operator()(const Conv2DOptions& o) {
    Table t;
    t.scalar<int8_t>(0, o.padding).scalar<int32_t>(1, o.stride_w).scalar<int32_t>(2, o.stride_h);
    t.scalar<int8_t>(3, o.activation).scalar<int32_t>(4, o.dilation_w).scalar<int32_t>(5, o.dilation_h);
    return {kConv2DOptions, w.table(t)};
  }
  std::pair<uint8_t, Ref> operator()(const DepthwiseConv2DOptions& o) {
    Table t;
    t.scalar<int8_t>(0, o.padding).scalar<int32_t>(1, o.stride_w).scalar<int32_t>(2, o.stride_h);
    t.scalar<int32_t>(3, o.depth_multiplier).scalar<int8_t>(4, o.activation);
    t.scalar<int32_t>(5, o.dilation_w).scalar<int32_t>(6, o.dilation_h);
    return {kDepthwiseConv2DOptions, w.table(t)};
  }
  std::pair<uint8_t, Ref> operator()(const Pool2DOptions& o) {
    Table t;
    t.scalar<int8_t>(0, o.padding).scalar<int32_t>(1, o.stride_w).scalar<int32_t>(2, o.stride_h);
    t.scalar<int32_t>(3, o.filter_w).scalar<int32_t>(4, o.filter_h).scalar<int8_t>(5, o.activation);
    return {kPool2DOptions, w.table(t)};
  }
  std::pair<uint8_t, Ref> operator()(const FullyConnectedOptions& o) {
    Table t;
    t.scalar<int8_t>(0, o.activation).scalar<int8_t>(1, o.weights_format).scalar<uint8_t>(2, o.keep_num_dims);
    return {kFullyConnectedOptions, w.table(t)};
  }
  std::pair<uint8_t, Ref> operator()(const SoftmaxOptions& o) {
    return {kSoftmaxOptions, w.table(Table().scalar<float>(0, o.beta))};
  }
  std::pair<uint8_t, Ref> operator()(const AddOptions& o) {
    return {kAddOptions, w.table(Table().scalar<int8_t>(0, o.activation))};
  }
  std::pair<uint8_t, Ref> operator()(const SubOptions& o) {
    return {kSubOptions, w.table(Table().scalar<int8_t>(0, o.activation))};
  }
  std::pair<uint8_t, Ref> operator()(const MulOptions& o) {
    return {kMulOptions, w.table(Table().scalar<int8_t>(0, o.activation))};
  }
  std::pair<uint8_t, Ref> operator()(const ReshapeOptions& o) {
    const Ref shape = w.vector(o.new_shape);
    return {kReshapeOptions, w.table(Table().offset(0, shape))};
  }
  std::pair<uint8_t, Ref> operator()(const ReducerOptions& o) {
    return {kReducerOptions, w.table(Table().scalar<uint8_t>(0, o.keep_dims))};
  }
};

}  // namespace

std::vector<uint8_t> ModelBuilder::build() const {
  FlatBufferWriter w(share_vectors);

  // Buffers first: their data ends up at the end of the file.
  std::vector<Ref> buffers;
  for (const std::vector<uint8_t>& data : buffers_) {
    Table t;
    if (!data.empty()) t.offset(0, w.vector(data, 16));  // schema: force_align 16
    buffers.push_back(w.table(t));
  }

  std::vector<Ref> tensors;
  for (const TensorSpec& spec : tensors_) {
    const Ref shape = w.vector(spec.shape);
    const Ref name = w.string(spec.name);
    Ref quant = 0;
    if (!spec.quant.scales.empty() || !spec.quant.zero_points.empty()) {
      const Ref scales = w.vector(spec.quant.scales);
      const Ref zero_points = w.vector(spec.quant.zero_points);
      // QuantizationParameters: min 0, max 1, scale 2, zero_point 3, ..., quantized_dimension 6.
      quant = w.table(Table().offset(2, scales).offset(3, zero_points).scalar<int32_t>(6, spec.quant.quantized_dimension));
    }
    // Tensor: shape 0, type 1, buffer 2, name 3, quantization 4.
    Table t;
    t.offset(0, shape).scalar<int8_t>(1, spec.type).scalar<uint32_t>(2, spec.buffer).offset(3, name);
    if (quant != 0) t.offset(4, quant);
    tensors.push_back(w.table(t));
  }

  std::vector<Ref> operators;
  for (const OperatorSpec& spec : operators_) {
    const Ref inputs = w.vector(spec.inputs);
    const Ref outputs = w.vector(spec.outputs);
    auto [type, options] = std::visit(OptionsWriter{w}, spec.options);
    if (spec.options_type_override >= 0) type = static_cast<uint8_t>(spec.options_type_override);
    // Operator: opcode_index 0, inputs 1, outputs 2, builtin_options_type 3, builtin_options 4.
    Table t;
    t.scalar<uint32_t>(0, spec.opcode_index).offset(1, inputs).offset(2, outputs);
    if (options != 0 || type != kNoOptions) t.scalar<uint8_t>(3, type);
    if (options != 0) t.offset(4, options);
    operators.push_back(w.table(t));
  }

  // SubGraph: tensors 0, inputs 1, outputs 2, operators 3, name 4.
  const Ref tensor_vector = w.offset_vector(tensors);
  const Ref graph_inputs = w.vector(inputs_);
  const Ref graph_outputs = w.vector(outputs_);
  const Ref operator_vector = w.offset_vector(operators);
  const Ref graph_name = w.string("main");
  const Ref subgraph = w.table(Table()
                                   .offset(0, tensor_vector)
                                   .offset(1, graph_inputs)
                                   .offset(2, graph_outputs)
                                   .offset(3, operator_vector)
                                   .offset(4, graph_name));

  // OperatorCode: deprecated_builtin_code 0 (int8, 127 for codes that do not
  // fit), custom_code 1, version 2, builtin_code 3.
  std::vector<Ref> opcodes;
  for (const OpcodeSpec& spec : opcodes_) {
    Table t;
    t.scalar<int8_t>(0, static_cast<int8_t>(std::min(spec.builtin_code, int32_t{127})));
    if (!spec.custom_code.empty()) t.offset(1, w.string(spec.custom_code));
    t.scalar<int32_t>(2, spec.version).scalar<int32_t>(3, spec.builtin_code);
    opcodes.push_back(w.table(t));
  }

  // Metadata: name 0, buffer 1.
  std::vector<Ref> metadata;
  for (const auto& [name, buffer] : metadata_) {
    const Ref n = w.string(name);
    metadata.push_back(w.table(Table().offset(0, n).scalar<uint32_t>(1, buffer)));
  }

  // Model: version 0, operator_codes 1, subgraphs 2, description 3, buffers 4, metadata 6.
  const Ref opcode_vector = w.offset_vector(opcodes);
  const Ref subgraph_vector = w.offset_vector({subgraph});
  const Ref description_string = w.string(description);
  const Ref buffer_vector = w.offset_vector(buffers);
  Table model;
  model.scalar<uint32_t>(0, schema_version)
      .offset(1, opcode_vector)
      .offset(2, subgraph_vector)
      .offset(3, description_string)
      .offset(4, buffer_vector);
  if (!metadata.empty()) model.offset(6, w.offset_vector(metadata));
  return w.finish(w.table(model), file_identifier);
}

}  // namespace mnw::test
