// IR nodes: one operation of a process.
//
// A node is immutable once made and shared by reference (NodeRef). Its operands
// are earlier nodes of the same process. Fields beyond op/type/operands are the
// attributes that the op's class (ir/ops.h) gives it; all others stay empty.
#pragma once

#include <bit>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ir/diagnostic.h"
#include "ir/ops.h"
#include "ir/types.h"

namespace nf::ir {

// A scalar of some dtype held as its bit pattern: f32 bits, i32 two's
// complement or 0/1 for bool in the low 32 bits, or all 64 bits of an f64.
// Holding bits keeps -0 and NaN payloads exact.
struct Literal {
  DType dtype = DType::F32;
  uint64_t bits = 0;

  static Literal f32(float v) { return {DType::F32, std::bit_cast<uint32_t>(v)}; }
  static Literal i32(int32_t v) { return {DType::I32, std::bit_cast<uint32_t>(v)}; }
  static Literal boolean(bool v) { return {DType::Bool, v ? 1u : 0u}; }
  static Literal f64(double v) { return {DType::F64, std::bit_cast<uint64_t>(v)}; }
  float as_f32() const { return std::bit_cast<float>(word()); }
  int32_t as_i32() const { return std::bit_cast<int32_t>(word()); }
  double as_f64() const { return std::bit_cast<double>(bits); }
  // The 32-bit element word of an f32, i32 or bool literal.
  uint32_t word() const { return uint32_t(bits); }
  bool operator==(const Literal&) const = default;
  // Exact text: shortest round-trip decimal for f32 and f64 ("-0", "inf",
  // "nan" and "-nan" for the quiet NaN, "nan(0x7fc00001)" with all the bits
  // for any other NaN), integer for i32, true/false.
  std::string str() const;
};

struct Attrs {
  std::string name;            // Read/Write: compartment; Param: parameter; Random: stream
  Literal literal;             // Const: the value
  int axis = 0;                // Reduce, Concat
  bool keepdims = false;       // Reduce
  std::vector<int64_t> perm;   // Transpose
  std::vector<int64_t> begin;  // Slice: first index per axis
  std::vector<int64_t> end;    // Slice: one past the last index per axis

  bool operator==(const Attrs&) const = default;
};

struct Node;
using NodeRef = std::shared_ptr<const Node>;

struct Node {
  Op op;
  Type type;  // result type; for Write, the type of the stored value
  std::vector<NodeRef> operands;
  Attrs attrs;
  SourceLoc loc;  // where the node came from, when it came from text

  bool defines_value() const { return op != Op::Write; }

  // The only way nodes are made. No checks here: the builder infers and checks
  // types as it goes, and the verifier checks whole programs (including ones
  // read from text).
  static NodeRef make(Op op, Type type, std::vector<NodeRef> operands, Attrs attrs = {},
                      SourceLoc loc = {});
};

// Whether a value depends on parameters and constants only (no compartment,
// draw, t or dt): known at the start of a step, before any array is touched.
// An 'if' on run-time parameters becomes selects on such a condition.
bool is_parameter_expression(const Node& n);

}  // namespace nf::ir
