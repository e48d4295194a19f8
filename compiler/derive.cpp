#include "compiler/derive.h"

#include <map>
#include <set>

namespace nf::compiler {

namespace {

using ir::Node;
using ir::NodeRef;

bool has_param(const Node& n) {
  if (n.op == ir::Op::Param) return true;
  for (const NodeRef& o : n.operands)
    if (has_param(*o)) return true;
  return false;
}

// A value worth computing once per parameter change: a parameter expression
// with an operation in it (a bare parameter read is one load already), that
// reads a parameter, and that a step uses where it meets arrays (not an f64
// intermediate of parameter arithmetic).
bool is_value(const Node& n) {
  return n.type.shape.rank() == 0 && n.type.dtype != ir::DType::F64 && n.op != ir::Op::Param &&
         n.op != ir::Op::Const && ir::is_parameter_expression(n) && has_param(n);
}

// A copy of `n`'s tree appended to `body`, operands first (one copy per node).
NodeRef copy_into(const NodeRef& n, std::vector<NodeRef>& body, std::map<const Node*, NodeRef>& copies) {
  if (auto it = copies.find(n.get()); it != copies.end()) return it->second;
  std::vector<NodeRef> ops;
  for (const NodeRef& o : n->operands) ops.push_back(copy_into(o, body, copies));
  NodeRef c = Node::make(n->op, n->type, std::move(ops), n->attrs, n->loc);
  body.push_back(c);
  copies[n.get()] = c;
  return c;
}

// A text that two parameter values share exactly when they compute the same
// thing: ops, types, attributes and operands (so each is derived once).
std::string key_of(const Node& n) {
  std::string k = std::string(ir::op_name(n.op)) + ":" + n.type.str() + ":" + n.attrs.name + ":" +
                  (n.op == ir::Op::Const ? n.attrs.literal.str() + ir::dtype_name(n.attrs.literal.dtype) : "") + "(";
  for (const NodeRef& o : n.operands) k += key_of(*o) + ",";
  return k + ")";
}

}  // namespace

void hoist_parameter_values(Factored& f) {
  ir::Program& program = f.program;
  std::vector<NodeRef> derive;
  std::map<const Node*, NodeRef> copies;
  std::map<std::string, std::string> names;  // key_of(value) -> its compartment
  for (ir::Process& proc : program.processes) {
    // The values: parameter values used by something that is not one.
    std::set<const Node*> values;
    for (const NodeRef& n : proc.body) {
      if (n->defines_value() && ir::is_parameter_expression(*n)) continue;
      for (const NodeRef& o : n->operands)
        if (is_value(*o)) values.insert(o.get());
    }
    if (values.empty()) continue;
    // Each value becomes a read of its hidden compartment; nodes that use
    // changed operands are rebuilt, the rest kept as they are.
    std::map<const Node*, NodeRef> replaced;
    std::vector<NodeRef> body;
    for (const NodeRef& n : proc.body) {
      NodeRef r = n;
      if (values.count(n.get())) {
        auto [it, fresh] = names.emplace(key_of(*n), "parameters#value" + std::to_string(names.size()));
        ir::Attrs named;
        named.name = it->second;
        if (fresh) {
          program.compartments.push_back({named.name, n->type, ir::Role::State, ir::Literal{n->type.dtype, 0}, {}});
          derive.push_back(Node::make(ir::Op::Write, n->type, {copy_into(n, derive, copies)}, named));
        }
        r = Node::make(ir::Op::Read, n->type, {}, named, n->loc);
      } else {
        std::vector<NodeRef> ops = n->operands;
        bool changed = false;
        for (NodeRef& o : ops)
          if (auto it = replaced.find(o.get()); it != replaced.end()) o = it->second, changed = true;
        if (changed) r = Node::make(n->op, n->type, std::move(ops), n->attrs, n->loc);
      }
      if (r != n) replaced[n.get()] = r;
      body.push_back(r);
    }
    proc.body = std::move(body);
  }
  if (!derive.empty()) program.processes.push_back({kDeriveProcess, std::move(derive), {}});
}

}  // namespace nf::compiler
