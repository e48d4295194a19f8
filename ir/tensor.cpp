#include "ir/tensor.h"

#include "ir/diagnostic.h"

namespace nf::ir {

Tensor Tensor::from_f32(Shape shape, const std::vector<float>& values) {
  Tensor t(Type{DType::F32, std::move(shape)});
  if (values.size() != t.size())
    throw Error("from_f32: " + std::to_string(values.size()) + " values for shape " + t.type.shape.str());
  for (size_t i = 0; i < values.size(); ++i) t.words[i] = std::bit_cast<uint32_t>(values[i]);
  return t;
}

Tensor Tensor::from_i32(Shape shape, const std::vector<int32_t>& values) {
  Tensor t(Type{DType::I32, std::move(shape)});
  if (values.size() != t.size())
    throw Error("from_i32: " + std::to_string(values.size()) + " values for shape " + t.type.shape.str());
  for (size_t i = 0; i < values.size(); ++i) t.words[i] = std::bit_cast<uint32_t>(values[i]);
  return t;
}

std::vector<float> Tensor::to_f32() const {
  std::vector<float> out(words.size());
  for (size_t i = 0; i < words.size(); ++i) out[i] = f32(i);
  return out;
}

}  // namespace nf::ir
