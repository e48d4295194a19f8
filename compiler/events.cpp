#include "compiler/events.h"

#include <map>
#include <optional>
#include <set>

#include "compiler/plan.h"

namespace nf::compiler {

namespace {

using ir::Node;
using ir::NodeRef;

NodeRef make(ir::Op op, ir::Type type, std::vector<NodeRef> operands, ir::Attrs attrs, std::vector<NodeRef>& body) {
  NodeRef n = Node::make(op, std::move(type), std::move(operands), std::move(attrs));
  body.push_back(n);
  return n;
}

NodeRef i32_const(int32_t v, std::vector<NodeRef>& body) {
  ir::Attrs a;
  a.literal = ir::Literal::i32(v);
  return make(ir::Op::Const, ir::Type{ir::DType::I32, {}}, {}, a, body);
}

// facts = facts == 3 ? 3 : 0: the matrix changed; a host pointer stays pinned.
void forget_facts(const std::string& facts, std::vector<NodeRef>& body) {
  const ir::Type word{ir::DType::I32, {}};
  ir::Attrs named;
  named.name = facts;
  NodeRef old = make(ir::Op::Read, word, {}, named, body);
  NodeRef pinned = i32_const(3, body);
  NodeRef is_pinned = make(ir::Op::Eq, ir::Type{ir::DType::Bool, {}}, {old, pinned}, {}, body);
  NodeRef v = make(ir::Op::Select, word, {is_pinned, pinned, i32_const(0, body)}, {}, body);
  make(ir::Op::Write, word, {v}, named, body);
}

// The matrix of a vector-matrix product that events can serve: a read of an
// f32 compartment, or a read times a read of an f32[1,1] compartment. Gives
// the two names ("" for no scale), or nothing.
std::optional<std::pair<std::string, std::string>> event_operand(const Node& matrix) {
  auto read_f32 = [](const Node& n) { return n.op == ir::Op::Read && n.type.dtype == ir::DType::F32; };
  if (read_f32(matrix)) return std::pair(matrix.attrs.name, std::string());
  if (matrix.op != ir::Op::Mul) return std::nullopt;
  const Node& w = *matrix.operands[0];
  const Node& m = *matrix.operands[1];
  if (read_f32(w) && read_f32(m) && w.type == matrix.type && m.type.shape == ir::Shape{1, 1})
    return std::pair(w.attrs.name, m.attrs.name);
  return std::nullopt;
}

}  // namespace

std::optional<std::pair<std::string, std::string>> event_matrix_of(const ir::Node& matrix) {
  return event_operand(matrix);
}

// The facts words are written only by `initialize` (forget_facts) and by the
// check the step function calls before a product's kernel; neither is in a
// kernel's reads, which is sound because no other process writes an event
// matrix, so no kernel of those processes can see a stale word.
void add_event_checks(Factored& f, int64_t min_elements) {
  ir::Program& program = f.program;
  std::map<std::string, std::set<std::string>> scales;  // candidate matrix -> the scales its products use
  std::set<std::string> written;
  for (const ir::Process& p : program.processes)
    for (const NodeRef& n : p.body) {
      if (n->op == ir::Op::MatMul && is_vector_matrix(*n))
        if (auto operand = event_operand(*n->operands[1])) scales[operand->first].insert(operand->second);
      if (n->op == ir::Op::Write && p.name.substr(0, p.name.find('#')) != "initialize")
        written.insert(n->attrs.name);
    }
  for (const FactoredCompartment& c : f.compartments) written.insert(c.name);
  for (size_t i = 0; i < f.public_compartments; ++i) {
    const ir::Compartment c = program.compartments[i];
    auto s = scales.find(c.name);
    // One set of facts per matrix: all its products must scale it alike.
    if (s == scales.end() || s->second.size() != 1 || written.count(c.name) ||
        c.type.shape.num_elements() < min_elements)
      continue;
    const std::string& scale = *s->second.begin();
    if (!scale.empty() && written.count(scale)) continue;
    // A scale's writes reset one facts word (its descriptor names one): a
    // second matrix scaled by it keeps dense products.
    bool shared = false;
    for (const EventMatrix& e : f.events) shared = shared || (!scale.empty() && e.scale == scale);
    if (shared) continue;
    EventMatrix e{c.name, c.name + "#facts", c.name + "#clear", scale};
    ir::Compartment facts{e.facts, ir::Type{ir::DType::I32, {}}, ir::Role::State, ir::Literal::i32(0), {}};
    ir::Compartment clear{e.clear, ir::Type{ir::DType::I32, ir::Shape{1, c.type.shape[1]}}, ir::Role::State,
                          ir::Literal::i32(0), {}};
    program.compartments.push_back(facts);
    program.compartments.push_back(clear);
    f.events.push_back(e);
  }
  if (f.events.empty()) return;
  for (ir::Process& p : program.processes) {
    std::vector<NodeRef> body;
    for (const NodeRef& n : p.body) {
      body.push_back(n);
      if (n->op != ir::Op::Write) continue;
      for (const EventMatrix& e : f.events)
        if (e.name == n->attrs.name || e.scale == n->attrs.name) forget_facts(e.facts, body);
    }
    p.body = std::move(body);
  }
}

}  // namespace nf::compiler
