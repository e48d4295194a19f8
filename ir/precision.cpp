#include "ir/precision.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "common/suggest.h"
#include "ir/diagnostic.h"
#include "ir/interpreter.h"
#include "ir/rewrite.h"

namespace nf::ir {

namespace {

bool is_f32(const NodeRef& n) { return n->type.dtype == DType::F32; }

// Rule 1: div(x, y) -> mul(x, div(1, y)) where y has fewer elements than the
// result, so the reciprocal is computed once per element of y.
Process fold_reciprocals(const Process& process) {
  return rewrite_process(process, [](const NodeRef& n, const std::vector<NodeRef>& operands, Body& out) -> NodeRef {
    if (n->op != Op::Div || !is_f32(n) || !is_f32(operands[1])) return nullptr;
    if (operands[1]->type.shape.num_elements() >= n->type.shape.num_elements()) return nullptr;
    NodeRef unit = out.constant(Literal::f32(1.0f));
    NodeRef reciprocal = out.make(Op::Div, {unit, operands[1]}, {}, {}, n->loc);
    return out.make(Op::Mul, {operands[0], reciprocal}, {}, {}, n->loc);
  });
}

// Rule 2: add(mul(a, b), c), add(c, mul(a, b)) -> fma(a, b, c);
// sub(mul(a, b), c) -> fma(a, b, neg(c)); sub(c, mul(a, b)) -> fma(neg(a), b, c),
// for f32 values where the multiplication has no other use. When both
// operands qualify, the left one is contracted.
Process contract_multiply_adds(const Process& process) {
  std::unordered_map<const Node*, int> uses;
  for (const NodeRef& n : process.body)
    for (const NodeRef& o : n->operands) ++uses[o.get()];
  auto contractible = [&](const NodeRef& m) { return m->op == Op::Mul && is_f32(m) && uses[m.get()] == 1; };
  // Each add/sub that contracts, and which operand it takes.
  std::unordered_map<const Node*, int> side;
  std::unordered_set<const Node*> fused;
  for (const NodeRef& n : process.body) {
    if ((n->op != Op::Add && n->op != Op::Sub) || !is_f32(n)) continue;
    for (int k : {0, 1})
      if (contractible(n->operands[size_t(k)])) {
        side[n.get()] = k;
        fused.insert(n->operands[size_t(k)].get());
        break;
      }
  }
  return rewrite_process(process, [&](const NodeRef& n, const std::vector<NodeRef>& operands, Body& out) -> NodeRef {
    // A contracted multiplication stands only inside its fma: made, never emitted.
    if (fused.count(n.get())) return make_checked(Op::Mul, operands, {}, {}, n->loc);
    auto it = side.find(n.get());
    if (it == side.end()) return nullptr;
    const NodeRef& m = operands[size_t(it->second)];
    const NodeRef& c = operands[size_t(1 - it->second)];
    NodeRef a = m->operands[0], b = m->operands[1], addend = c;
    if (n->op == Op::Sub) {
      if (it->second == 0) addend = out.make(Op::Neg, {c}, {}, {}, n->loc);
      else a = out.make(Op::Neg, {a}, {}, {}, n->loc);
    }
    return out.make(Op::Fma, {a, b, addend}, {}, {}, n->loc);
  });
}

}  // namespace

PrecisionChoice parse_precision(const std::string& text) {
  const size_t colon = text.find(':');
  const std::string mode = text.substr(0, colon);
  PrecisionChoice choice;
  if (mode == "fast") choice.precision = Precision::Fast;
  else if (mode != "exact" || colon != std::string::npos)
    throw Error("unknown precision '" + text + "' (choose exact, fast, or fast:PROCESS,... for some processes)");
  if (colon == std::string::npos) return choice;
  const std::string list = text.substr(colon + 1);
  for (size_t start = 0;;) {
    const size_t comma = list.find(',', start);
    const std::string name = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (name.empty()) throw Error("precision '" + text + "' has an empty process name");
    choice.processes.push_back(name);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return choice;
}

const char* precision_name(Precision precision) { return precision == Precision::Fast ? "fast" : "exact"; }

Program apply_precision(const Program& program, const PrecisionChoice& choice) {
  if (choice.precision == Precision::Exact) return program;
  std::vector<std::string> names;
  for (const Process& p : program.processes)
    if (p.name != kInitializeProcess) names.push_back(p.name);
  for (const std::string& name : choice.processes)
    if (std::find(names.begin(), names.end(), name) == names.end())
      throw Error(name == kInitializeProcess
                      ? std::string("the initialize process is always exact (both precisions start from the same state)")
                      : "fast precision names process '" + name + "', which the model does not have" +
                            did_you_mean(name, names));
  auto chosen = [&](const std::string& name) {
    return choice.processes.empty() || std::find(choice.processes.begin(), choice.processes.end(), name) !=
                                           choice.processes.end();
  };
  Program out = program;
  for (Process& p : out.processes)
    if (p.name != kInitializeProcess && chosen(p.name)) p = contract_multiply_adds(fold_reciprocals(p));
  return out;
}

}  // namespace nf::ir
