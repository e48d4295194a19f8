#include "ir/types.h"

#include <algorithm>
#include <limits>

namespace nf::ir {

const char* dtype_name(DType d) {
  switch (d) {
    case DType::F32: return "f32";
    case DType::I32: return "i32";
    case DType::Bool: return "bool";
    case DType::F64: return "f64";
  }
  return "?";
}

std::optional<DType> dtype_from_name(const std::string& name) {
  if (name == "f32") return DType::F32;
  if (name == "i32") return DType::I32;
  if (name == "bool") return DType::Bool;
  if (name == "f64") return DType::F64;
  return std::nullopt;
}

int64_t Shape::num_elements() const {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d < 0) return -1;  // not a shape (the verifier refuses negative dimensions)
    if (d == 0) return 0;
  }
  for (int64_t d : dims) {
    if (n > std::numeric_limits<int64_t>::max() / d) return std::numeric_limits<int64_t>::max();
    n *= d;
  }
  return n;
}

std::vector<int64_t> Shape::strides() const {
  std::vector<int64_t> s(dims.size(), 1);
  for (int i = rank() - 2; i >= 0; --i) s[size_t(i)] = s[size_t(i) + 1] * dims[size_t(i) + 1];
  return s;
}

std::string Shape::str() const {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) s += ",";
    s += std::to_string(dims[i]);
  }
  return s + "]";
}

std::optional<Shape> broadcast_shapes(const Shape& a, const Shape& b) {
  int rank = std::max(a.rank(), b.rank());
  std::vector<int64_t> out(size_t(rank), 1);
  for (int i = 0; i < rank; ++i) {
    int ia = a.rank() - rank + i, ib = b.rank() - rank + i;
    int64_t da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
    if (da == db || db == 1) out[size_t(i)] = da;
    else if (da == 1) out[size_t(i)] = db;
    else return std::nullopt;
  }
  return Shape(std::move(out));
}

bool broadcasts_to(const Shape& from, const Shape& to) {
  if (from.rank() > to.rank()) return false;
  for (int i = 0; i < from.rank(); ++i) {
    int64_t f = from[i], t = to[to.rank() - from.rank() + i];
    if (f != t && f != 1) return false;
  }
  return true;
}

std::string Type::str() const { return std::string(dtype_name(dtype)) + shape.str(); }

}  // namespace nf::ir
