// Value types of the IR: an element type and a static shape.
//
// Tensors are row-major. Shapes are fully static; a dimension may be 0 (an empty
// tensor). Rank 0 is a scalar. Broadcasting follows NumPy: shapes are aligned at
// their last axis, and each pair of dimensions must be equal or one of them 1.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nf::ir {

// Element types. bool is a separate type (masks, comparisons); i32 holds
// indices, counters and integer arithmetic with two's-complement wrap-around.
// f64 (IEEE binary64) exists only for scalars: the arithmetic of parameters
// alone, which ngclearn does in Python floats (docs/SEMANTICS.md, "Parameter
// arithmetic"); t and dt are binary64 step arguments, read as f32 by models.
// No compartment, matrix or vector is ever f64.
enum class DType : uint8_t { F32, I32, Bool, F64 };

const char* dtype_name(DType d);
std::optional<DType> dtype_from_name(const std::string& name);

constexpr int kMaxRank = 4;
// The most elements one value may have (2^40: 4 TiB of f32); the verifier
// refuses larger shapes, so element counts and byte offsets never overflow.
constexpr int64_t kMaxElements = int64_t(1) << 40;

struct Shape {
  std::vector<int64_t> dims;

  Shape() = default;
  Shape(std::initializer_list<int64_t> d) : dims(d) {}
  explicit Shape(std::vector<int64_t> d) : dims(std::move(d)) {}

  int rank() const { return static_cast<int>(dims.size()); }
  int64_t operator[](int i) const { return dims[static_cast<size_t>(i)]; }
  // The product of the dimensions; saturates at INT64_MAX instead of
  // overflowing (the verifier refuses any above kMaxElements), -1 for a
  // negative dimension.
  int64_t num_elements() const;
  // Row-major strides in elements.
  std::vector<int64_t> strides() const;
  bool operator==(const Shape&) const = default;
  std::string str() const;  // "[2,3]", "[]" for a scalar
};

// NumPy broadcast of two shapes; nullopt when they do not broadcast.
std::optional<Shape> broadcast_shapes(const Shape& a, const Shape& b);
// True when `from` broadcasts to exactly `to` (NumPy broadcast_to rules).
bool broadcasts_to(const Shape& from, const Shape& to);

struct Type {
  DType dtype = DType::F32;
  Shape shape;

  bool operator==(const Type&) const = default;
  std::string str() const;  // "f32[2,3]"
};

}  // namespace nf::ir
