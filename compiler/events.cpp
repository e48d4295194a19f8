#include "compiler/events.h"

#include <map>
#include <optional>
#include <set>

#include "compiler/kept.h"
#include "compiler/plan.h"
#include "ir/rewrite.h"

namespace nf::compiler {

namespace {

using ir::Node;
using ir::NodeRef;

// facts = facts == Shared ? Shared : Unchecked: the matrix changed; a host
// pointer keeps it shared.
void forget_facts(const std::string& facts, ir::Body& body) {
  NodeRef old = body.read(facts, ir::Type{ir::DType::I32, {}});
  NodeRef shared = body.constant(word(FactsWord::Shared));
  NodeRef is_shared = body.make(ir::Op::Eq, {old, shared});
  body.write(facts, body.make(ir::Op::Select, {is_shared, shared, body.constant(word(FactsWord::Unchecked))}));
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
ir::Program add_event_checks(const ir::Program& input, int64_t min_elements) {
  for (const ir::Compartment& c : input.compartments)
    if (c.hidden == ir::Hidden::Facts) return input;  // checked already
  ir::Program program = input;
  std::map<std::string, std::set<std::string>> scales;  // candidate matrix -> the scales its products use
  std::set<std::string> written;
  for (const ir::Process& p : program.processes)
    for (const NodeRef& n : p.body) {
      if (n->op == ir::Op::MatMul && is_vector_matrix(*n))
        if (auto operand = event_operand(*n->operands[1])) scales[operand->first].insert(operand->second);
      const bool initialize = p.name == "initialize" || (p.variant == ir::Variant::Storage && p.of == "initialize");
      if (n->op == ir::Op::Write && !initialize) written.insert(n->attrs.name);
    }
  for (const ir::Compartment& c : program.compartments)
    if (c.hidden == ir::Hidden::Form) written.insert(c.of);
  std::vector<EventMatrix> events;
  for (const ir::Compartment& c : input.compartments) {
    if (c.hidden != ir::Hidden::None) continue;
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
    for (const EventMatrix& e : events) shared = shared || (!scale.empty() && e.scale == scale);
    if (shared) continue;
    EventMatrix e{c.name, ir::hidden_name(ir::Hidden::Facts, c.name), ir::hidden_name(ir::Hidden::Clear, c.name), scale};
    ir::Compartment facts{e.facts, ir::Type{ir::DType::I32, {}}, ir::Role::State, word(FactsWord::Unchecked), {},
                          ir::Hidden::Facts, c.name, 0, scale};
    ir::Compartment clear{e.clear, ir::Type{ir::DType::I32, ir::Shape{1, c.type.shape[1]}}, ir::Role::State,
                          ir::Literal::i32(0), {}, ir::Hidden::Clear, c.name, 0, ""};
    program.compartments.push_back(facts);
    program.compartments.push_back(clear);
    events.push_back(e);
  }
  if (events.empty()) return program;
  for (ir::Process& p : program.processes)
    p = ir::rewrite_process(p, [&](const NodeRef& n, const std::vector<NodeRef>& operands, ir::Body& out) -> NodeRef {
      if (n->op != ir::Op::Write) return nullptr;
      out.keep(n, operands);
      for (const EventMatrix& e : events)
        if (e.name == n->attrs.name || e.scale == n->attrs.name) forget_facts(e.facts, out);
      return ir::kHandled;
    });
  return program;
}

}  // namespace nf::compiler
