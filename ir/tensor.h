// A tensor value of the reference interpreter: a type and one 32-bit word per
// element in row-major order (f32 bits, i32, or 0/1 for bool).
#pragma once

#include <bit>
#include <cstdint>
#include <vector>

#include "ir/node.h"

namespace nf::ir {

struct Tensor {
  Type type;
  std::vector<uint32_t> words;

  Tensor() = default;
  explicit Tensor(Type t, uint32_t fill = 0)
      : type(std::move(t)), words(size_t(type.shape.num_elements()), fill) {}
  static Tensor filled(const Type& t, Literal value) { return Tensor(t, value.word()); }
  static Tensor from_f32(Shape shape, const std::vector<float>& values);
  static Tensor from_i32(Shape shape, const std::vector<int32_t>& values);

  size_t size() const { return words.size(); }
  float f32(size_t i) const { return std::bit_cast<float>(words[i]); }
  int32_t i32(size_t i) const { return std::bit_cast<int32_t>(words[i]); }
  bool boolean(size_t i) const { return words[i] != 0; }
  std::vector<float> to_f32() const;
  bool operator==(const Tensor&) const = default;  // bit-exact
};

}  // namespace nf::ir
