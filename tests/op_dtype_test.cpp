// Golden op tests: every (op, operand dtypes) pair that the type rules accept,
// compiled and interpreted side by side, must agree bit for bit (NaN payloads
// aside, docs/SEMANTICS.md).
//
// The pairs are not listed here: they come from asking ir::infer_type about
// every op of the element-wise classes and the reductions with every
// combination of f32, i32 and bool operands. An op, or a dtype a rule starts
// to accept, is therefore tested as soon as the type rules know it. Operands
// hold the values where implementations tend to differ: signed zeros,
// subnormals, the largest finite value, infinities, NaN, the i32 extremes
// (INT_MIN / -1 and x / 0 are defined, so they are used too).
#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "compiler/jit.h"
#include "ir/builder.h"
#include "ir/infer.h"
#include "ir/interpreter.h"
#include "neurofuse/runtime.hpp"

using namespace nf;
using ir::DType;
using ir::Op;

namespace {

// The element dtypes a tensor can have (f64 is for parameter scalars only).
constexpr DType kDTypes[] = {DType::F32, DType::I32, DType::Bool};

// How many operands the ops of a class take, for the classes tested here;
// nullopt for the others. A new class makes -Wswitch ask whether it belongs.
std::optional<size_t> tested_arity(ir::OpClass cls) {
  switch (cls) {
    case ir::OpClass::Unary:
    case ir::OpClass::Cast:
    case ir::OpClass::Reduce: return 1;
    case ir::OpClass::Binary:
    case ir::OpClass::Compare: return 2;
    case ir::OpClass::Ternary: return 3;
    case ir::OpClass::Const:
    case ir::OpClass::Read:
    case ir::OpClass::Write:
    case ir::OpClass::Param:
    case ir::OpClass::StepArg:
    case ir::OpClass::MatMul:
    case ir::OpClass::Transpose:
    case ir::OpClass::Reshape:
    case ir::OpClass::Broadcast:
    case ir::OpClass::Slice:
    case ir::OpClass::Concat:
    case ir::OpClass::OneHot:
    case ir::OpClass::Iota:
    case ir::OpClass::Random:
    case ir::OpClass::Sparse: return std::nullopt;
  }
  return std::nullopt;
}

// Every op kind of the IR, from its one list.
std::vector<Op> all_ops() {
  return {
#define NF_OP_VALUE(e, name, cls) Op::e,
      NF_OPS(NF_OP_VALUE)
#undef NF_OP_VALUE
  };
}

// Every op of a tested class.
std::vector<Op> tested_ops() {
  std::vector<Op> ops;
  for (Op op : all_ops())
    if (tested_arity(ir::op_class(op))) ops.push_back(op);
  return ops;
}

// One (op, dtypes) pair the type rules accept.
struct Case {
  Op op;
  std::vector<DType> operands;
  DType result;

  std::string str() const {
    std::string s = std::string(ir::op_name(op)) + "(";
    for (size_t k = 0; k < operands.size(); ++k) s += (k ? ", " : "") + std::string(ir::dtype_name(operands[k]));
    return s + ") -> " + ir::dtype_name(result);
  }
};

// Every tuple of `arity` dtypes from kDTypes.
std::vector<std::vector<DType>> dtype_tuples(size_t arity) {
  std::vector<std::vector<DType>> tuples = {{}};
  for (size_t k = 0; k < arity; ++k) {
    std::vector<std::vector<DType>> longer;
    for (const auto& t : tuples)
      for (DType d : kDTypes) {
        longer.push_back(t);
        longer.back().push_back(d);
      }
    tuples = std::move(longer);
  }
  return tuples;
}

// The result type infer_type gives `op` on operands of `dtypes` (scalars for
// element-wise ops, a vector reduced over axis 0 for reductions), a cast
// declaring `declared`; nullopt when the rules refuse it.
std::optional<DType> accepted(Op op, const std::vector<DType>& dtypes, std::optional<DType> declared) {
  const bool reduce = ir::op_class(op) == ir::OpClass::Reduce;
  const ir::Shape shape = reduce ? ir::Shape({2}) : ir::Shape();
  std::vector<ir::OperandInfo> operands;
  for (size_t k = 0; k < dtypes.size(); ++k) operands.push_back({ir::Type{dtypes[k], shape}, "%" + std::to_string(k)});
  ir::Attrs attrs;
  attrs.axis = 0;
  std::optional<ir::Type> type;
  if (declared) type = ir::Type{*declared, shape};
  ir::Inferred r = ir::infer_type(op, operands, attrs, type);
  if (!r.type) return std::nullopt;
  return r.type->dtype;
}

// Every pair the type rules accept; a cast is asked about every result dtype.
std::vector<Case> accepted_cases() {
  std::vector<Case> cases;
  for (Op op : tested_ops()) {
    const ir::OpClass cls = ir::op_class(op);
    std::vector<std::optional<DType>> declared = {std::nullopt};
    if (cls == ir::OpClass::Cast) declared.assign(std::begin(kDTypes), std::end(kDTypes));
    for (const std::vector<DType>& dtypes : dtype_tuples(*tested_arity(cls)))
      for (std::optional<DType> d : declared)
        if (std::optional<DType> result = accepted(op, dtypes, d)) cases.push_back({op, dtypes, *result});
  }
  return cases;
}

uint32_t bits(float x) { return std::bit_cast<uint32_t>(x); }
uint32_t bits(int32_t x) { return std::bit_cast<uint32_t>(x); }

// The operand values of each dtype, as element words.
std::vector<uint32_t> interesting(DType d) {
  using F = std::numeric_limits<float>;
  using I = std::numeric_limits<int32_t>;
  switch (d) {
    case DType::F32:
      return {bits(-0.0f), bits(0.0f), bits(1.0f), bits(1.5f), bits(-2.25f),
              bits(3.0e9f),                        // past INT_MAX: a cast to i32 saturates
              bits(F::max()), bits(1.0e-40f),      // the largest finite value, a subnormal
              bits(-F::denorm_min()),              // the smallest subnormal, negative
              bits(F::infinity()), bits(-F::infinity()), bits(F::quiet_NaN()),
              0xffc00001u};                        // a negative NaN with a payload
    case DType::I32: return {bits(0), bits(1), bits(-1), bits(I::max()), bits(I::min()), bits(7), bits(-13)};
    case DType::Bool: return {0u, 1u};
    case DType::F64: break;
  }
  FAIL("no f64 tensors");
  return {};
}

std::string describe(DType d, uint32_t word) {
  std::ostringstream s;
  switch (d) {
    case DType::F32: s << std::bit_cast<float>(word); break;
    case DType::I32: s << std::bit_cast<int32_t>(word); break;
    case DType::Bool: s << (word ? "true" : "false"); break;
    case DType::F64: s << "?"; break;
  }
  s << " (0x" << std::hex << word << ")";
  return s.str();
}

// Names the operands an output element was computed from, for messages.
using Explain = std::function<std::string(size_t element)>;

// A program for one case with its input values: process "apply" reads the
// inputs, applies the op and writes the results to the compartments listed
// in `outputs`.
struct Harness {
  ir::Program program;
  std::map<std::string, ir::Tensor> inputs;
  std::vector<std::pair<std::string, Explain>> outputs;
};

void add_output(ir::ProgramBuilder& pb, ir::ProcessBuilder& p, Harness& h, const std::string& name,
                const ir::NodeRef& value, Explain explain) {
  pb.compartment(name, value->type, ir::Role::Output, ir::Literal{value->type.dtype, 0});
  p.write(name, value);
  h.outputs.emplace_back(name, std::move(explain));
}

// The multi-index of element `flat` of a row-major `shape`.
std::vector<int64_t> unravel(size_t flat, const ir::Shape& shape) {
  std::vector<int64_t> idx(size_t(shape.rank()));
  for (int a = shape.rank() - 1; a >= 0; --a) {
    idx[size_t(a)] = int64_t(flat) % shape[a];
    flat /= size_t(shape[a]);
  }
  return idx;
}

ir::NodeRef apply(ir::ProcessBuilder& p, const Case& c, std::vector<ir::NodeRef> operands) {
  std::optional<ir::Type> declared;
  if (c.op == Op::Cast) declared = ir::Type{c.result, operands[0]->type.shape};
  return p.emit(c.op, std::move(operands), {}, declared);
}

// Element-wise ops: operand k varies along axis k of its own compartment, so
// broadcasting gives every combination of operand values. Then, for each
// operand position and value, the same op with that operand a constant (the
// compiler folds and specializes constants: clip with a constant lower bound
// takes its own path).
Harness elementwise_harness(const Case& c) {
  Harness h;
  ir::ProgramBuilder pb;
  ir::ProcessBuilder& p = pb.process("apply");
  const size_t arity = c.operands.size();
  // Operand k of an output element: the constant when there is one, else the
  // value at the element's index along axis k.
  auto explain = [c, arity](ir::Shape shape, std::optional<std::pair<size_t, uint32_t>> constant) -> Explain {
    return [=](size_t element) {
      std::vector<int64_t> idx = unravel(element, shape);
      std::string s = "operands";
      for (size_t k = 0; k < arity; ++k) {
        uint32_t word = constant && constant->first == k ? constant->second
                                                         : interesting(c.operands[k])[size_t(idx[k])];
        s += (k ? ", " : " ") + describe(c.operands[k], word);
      }
      return s;
    };
  };
  std::vector<ir::NodeRef> reads;
  for (size_t k = 0; k < arity; ++k) {
    std::vector<uint32_t> values = interesting(c.operands[k]);
    std::vector<int64_t> dims(arity, 1);
    dims[k] = int64_t(values.size());
    ir::Tensor t(ir::Type{c.operands[k], ir::Shape(dims)});
    t.words = values;
    const std::string name = "in.x" + std::to_string(k);
    pb.compartment(name, t.type, ir::Role::Input, ir::Literal{t.type.dtype, 0});
    h.inputs[name] = t;
    reads.push_back(p.read(name));
  }
  ir::NodeRef all = apply(p, c, reads);
  add_output(pb, p, h, "out.all", all, explain(all->type.shape, std::nullopt));
  for (size_t k = 0; k < arity; ++k) {
    std::vector<uint32_t> values = interesting(c.operands[k]);
    for (size_t v = 0; v < values.size(); ++v) {
      std::vector<ir::NodeRef> operands = reads;
      operands[k] = p.constant(ir::Literal{c.operands[k], values[v]});
      ir::NodeRef r = apply(p, c, operands);
      add_output(pb, p, h, "out.const" + std::to_string(k) + "_" + std::to_string(v), r,
                 explain(r->type.shape, std::pair{k, values[v]}));
    }
  }
  h.program = pb.build();
  return h;
}

// Reductions: rows of three values (every ordered pair of values, then a
// third), reduced along the rows and down the columns.
Harness reduce_harness(const Case& c) {
  Harness h;
  ir::ProgramBuilder pb;
  ir::ProcessBuilder& p = pb.process("apply");
  std::vector<uint32_t> values = interesting(c.operands[0]);
  const size_t n = values.size();
  ir::Tensor t(ir::Type{c.operands[0], ir::Shape({int64_t(n * n), 3})});
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j) {
      size_t row = (i * n + j) * 3;
      t.words[row] = values[i];
      t.words[row + 1] = values[j];
      t.words[row + 2] = values[(i + j) % n];
    }
  pb.compartment("in.x", t.type, ir::Role::Input, ir::Literal{t.type.dtype, 0});
  h.inputs["in.x"] = t;
  ir::NodeRef x = p.read("in.x");
  const DType d = c.operands[0];
  add_output(pb, p, h, "out.rows", p.reduce(c.op, x, 1), [t, d](size_t row) {
    std::string s = "row";
    for (size_t k = 0; k < 3; ++k) s += (k ? ", " : " ") + describe(d, t.words[row * 3 + k]);
    return s;
  });
  add_output(pb, p, h, "out.columns", p.reduce(c.op, x, 0, true),
             [](size_t column) { return "column " + std::to_string(column); });
  h.program = pb.build();
  return h;
}

Harness harness(const Case& c) {
  return ir::op_class(c.op) == ir::OpClass::Reduce ? reduce_harness(c) : elementwise_harness(c);
}

// Equal words, or two NaNs (their payloads are not specified).
bool same_element(DType d, uint32_t a, uint32_t b) {
  if (a == b) return true;
  return d == DType::F32 && std::isnan(std::bit_cast<float>(a)) && std::isnan(std::bit_cast<float>(b));
}

// Runs the case on the interpreter and on compiled code (one thread, and two
// threads splitting every loop) and fails on the first element that differs.
void check_case(const Case& c) {
  const Harness h = harness(c);
  const uint64_t seed = 1;
  ir::State interp = ir::create_state(h.program, seed);
  nf::Module module(compiler::jit_module(h.program));
  nf::State one(module, seed);
  nf::State two(module, seed);
  two.set_threads(2, 1);
  for (const auto& [name, t] : h.inputs) {
    interp.set(name, t);
    for (nf::State* s : {&one, &two}) s->write_words(name, t.words);
  }
  ir::run_process(h.program, "apply", interp, 0.0, 1.0);
  for (nf::State* s : {&one, &two}) s->step("apply", 0.0, 1.0);
  for (const auto& [out, explain] : h.outputs) {
    const ir::Tensor& want = interp.get(out);
    for (nf::State* s : {&one, &two}) {
      std::vector<uint32_t> got = s->read_words(out);
      REQUIRE(got.size() == want.size());
      for (size_t i = 0; i < got.size(); ++i)
        if (!same_element(want.type.dtype, want.words[i], got[i])) {
          FAIL_CHECK(c.str() << ": " << out << "[" << i << "] interpreter " << describe(want.type.dtype, want.words[i])
                             << ", compiled" << (s == &two ? " on 2 threads " : " ")
                             << describe(want.type.dtype, got[i]) << "; " << explain(i));
          return;
        }
    }
  }
}

// 15 unary, 15 binary, 14 comparison, 6 ternary, 9 cast and 7 reduction
// pairs today; rules may grow, never silently shrink.
constexpr size_t kMinimumCases = 66;

}  // namespace

TEST_CASE("the type rules accept every tested op on some dtypes", "[golden]") {
  const std::vector<Case> cases = accepted_cases();
  CHECK(cases.size() >= kMinimumCases);
  std::set<Op> covered;
  for (const Case& c : cases) covered.insert(c.op);
  for (Op op : tested_ops()) {
    INFO(ir::op_name(op));
    CHECK(covered.count(op) == 1);
  }
  // The element-wise and reduction classes are all here.
  for (ir::OpClass cls : {ir::OpClass::Unary, ir::OpClass::Binary, ir::OpClass::Compare, ir::OpClass::Ternary,
                          ir::OpClass::Cast, ir::OpClass::Reduce})
    CHECK(tested_arity(cls).has_value());
}

TEST_CASE("every accepted (op, dtypes) pair compiles to what the interpreter computes", "[golden]") {
  const std::vector<Case> cases = accepted_cases();
  REQUIRE(cases.size() >= kMinimumCases);
  for (const Case& c : cases) {
    INFO(c.str());
    check_case(c);
  }
}
