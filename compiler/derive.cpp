#include "compiler/derive.h"

#include <algorithm>
#include <map>
#include <set>

#include "ir/rewrite.h"

namespace nf::compiler {

namespace {

using ir::Node;
using ir::NodeRef;

// What a process's nodes are, found in one pass over its body (operands come
// first): chains of 100,000s of nodes and values shared many times over must
// cost linear time, without recursion.
struct Analysis {
  std::set<const Node*> parameter_expressions;  // ir::is_parameter_expression
  std::set<const Node*> reads_param;            // a parameter expression that reads a parameter
  std::map<const Node*, size_t> key;            // structural identity, see key_of
  std::map<const Node*, size_t> position;       // index in the body

  // A value worth computing once per parameter change: a parameter expression
  // with an operation in it (a bare parameter read is one load already), that
  // reads a parameter, and that a step uses where it meets arrays (not an f64
  // intermediate of parameter arithmetic).
  bool is_value(const Node& n) const {
    return n.type.shape.rank() == 0 && n.type.dtype != ir::DType::F64 && n.op != ir::Op::Param &&
           n.op != ir::Op::Const && reads_param.count(&n);
  }
};

// Two parameter values share a key exactly when they compute the same thing:
// ops, types, attributes and operands (so each is derived once, across
// processes). The key of a node is the number of its text: op, type,
// attributes and the keys of its operands.
class Keys {
 public:
  size_t key_of(const Node& n, const Analysis& a) {
    std::string k = std::string(ir::op_name(n.op)) + ":" + n.type.str() + ":" + n.attrs.name + ":" +
                    (n.op == ir::Op::Const ? n.attrs.literal.str() + ir::dtype_name(n.attrs.literal.dtype) : "") + "(";
    for (const NodeRef& o : n.operands) k += std::to_string(a.key.at(o.get())) + ",";
    return numbers_.emplace(k + ")", numbers_.size()).first->second;
  }

 private:
  std::map<std::string, size_t> numbers_;
};

Analysis analyze(const ir::Process& proc, Keys& keys) {
  Analysis a;
  for (const NodeRef& n : proc.body) {
    a.position[n.get()] = a.position.size();
    if (!n->defines_value()) continue;
    bool parameters = false, reads = n->op == ir::Op::Param;
    switch (ir::op_class(n->op)) {
      case ir::OpClass::Const: case ir::OpClass::Param: parameters = true; break;
      case ir::OpClass::Unary: case ir::OpClass::Binary: case ir::OpClass::Compare: case ir::OpClass::Ternary:
      case ir::OpClass::Cast:
        parameters = true;
        for (const NodeRef& o : n->operands) {
          parameters = parameters && a.parameter_expressions.count(o.get());
          reads = reads || a.reads_param.count(o.get());
        }
        break;
      default: break;
    }
    if (!parameters) continue;
    a.parameter_expressions.insert(n.get());
    if (reads) a.reads_param.insert(n.get());
    a.key[n.get()] = keys.key_of(*n, a);
  }
  return a;
}

// Copies of `value` and the parameter expressions it is made of, appended to
// `body` in `proc`'s order (one copy per node); returns the copy of `value`.
NodeRef copy_into(const NodeRef& value, const ir::Process& proc, const Analysis& a, ir::Body& body,
                  std::map<const Node*, NodeRef>& copies) {
  std::set<const Node*> needed;
  std::vector<const Node*> pending{value.get()};
  while (!pending.empty()) {
    const Node* n = pending.back();
    pending.pop_back();
    if (copies.count(n) || !needed.insert(n).second) continue;
    for (const NodeRef& o : n->operands) pending.push_back(o.get());
  }
  std::vector<const NodeRef*> order;
  for (const Node* n : needed) order.push_back(&proc.body[a.position.at(n)]);
  std::sort(order.begin(), order.end());
  for (const NodeRef* at : order) {
    const NodeRef& n = *at;
    std::vector<NodeRef> ops;
    for (const NodeRef& o : n->operands) ops.push_back(copies.at(o.get()));
    copies[n.get()] = body.make(n->op, std::move(ops), n->attrs, n->type, n->loc);
  }
  return copies.at(value.get());
}

}  // namespace

ir::Program hoist_parameter_values(const ir::Program& input) {
  for (const ir::Process& proc : input.processes)
    if (proc.variant == ir::Variant::Derive) return input;  // hoisted already
  ir::Program program = input;
  ir::Body derive;
  std::map<const Node*, NodeRef> copies;
  std::map<size_t, std::string> names;  // key of a value -> its compartment
  Keys keys;
  for (ir::Process& proc : program.processes) {
    const Analysis a = analyze(proc, keys);
    // The values: parameter values used by something that is not one.
    std::set<const Node*> values;
    for (const NodeRef& n : proc.body) {
      if (a.parameter_expressions.count(n.get())) continue;
      for (const NodeRef& o : n->operands)
        if (a.is_value(*o)) values.insert(o.get());
    }
    if (values.empty()) continue;
    // Each value becomes a read of its hidden compartment.
    proc = ir::rewrite_process(proc, [&](const NodeRef& n, const std::vector<NodeRef>&, ir::Body& out) -> NodeRef {
      if (!values.count(n.get())) return nullptr;
      const int index = int(names.size());
      auto [it, fresh] = names.emplace(a.key.at(n.get()), ir::hidden_name(ir::Hidden::Value, "parameters", index));
      if (fresh) {
        ir::Compartment value;
        value.name = it->second;
        value.type = n->type;
        value.init = ir::Literal{n->type.dtype, 0};
        value.hidden = ir::Hidden::Value;
        value.of = "parameters";
        value.index = index;
        program.compartments.push_back(value);
        derive.write(it->second, copy_into(n, proc, a, derive, copies));
      }
      ir::Attrs named;
      named.name = it->second;
      return out.make(ir::Op::Read, {}, named, n->type, n->loc);
    });
  }
  std::vector<NodeRef> body = derive.take();
  if (!body.empty()) {
    ir::Process d;
    d.variant = ir::Variant::Derive;
    d.of = "parameters";
    d.name = ir::variant_name(d.variant, d.of);
    d.body = std::move(body);
    program.processes.push_back(std::move(d));
  }
  return program;
}

}  // namespace nf::compiler
