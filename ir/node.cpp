#include "ir/node.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace nf::ir {

std::string Literal::str() const {
  switch (dtype) {
    case DType::Bool: return bits ? "true" : "false";
    case DType::I32: return std::to_string(as_i32());
    case DType::F32: break;
    case DType::F64: {
      double v = as_f64();
      if (std::isnan(v)) {
        if ((bits & 0x7fffffffffffffffull) == 0x7ff8000000000000ull) return bits >> 63 ? "-nan" : "nan";
        char buf[40];
        std::snprintf(buf, sizeof buf, "nan(0x%016llx)", static_cast<unsigned long long>(bits));
        return buf;
      }
      if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
      char buf[64];
      auto res = std::to_chars(buf, buf + sizeof buf, v);
      return std::string(buf, res.ptr);
    }
  }
  float v = as_f32();
  if (std::isnan(v)) {
    if ((bits & 0x7fffffffu) == 0x7fc00000u) return bits >> 31 ? "-nan" : "nan";
    char buf[32];
    std::snprintf(buf, sizeof buf, "nan(0x%08x)", word());
    return buf;
  }
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

NodeRef Node::make(Op op, Type type, std::vector<NodeRef> operands, Attrs attrs, SourceLoc loc) {
  return std::make_shared<const Node>(
      Node{op, std::move(type), std::move(operands), std::move(attrs), std::move(loc)});
}

bool is_parameter_expression(const Node& n) {
  switch (op_class(n.op)) {
    case OpClass::Const: case OpClass::Param: return true;
    case OpClass::Unary: case OpClass::Binary: case OpClass::Compare: case OpClass::Ternary: case OpClass::Cast:
      for (const NodeRef& o : n.operands)
        if (!is_parameter_expression(*o)) return false;
      return true;
    default: return false;
  }
}

}  // namespace nf::ir
