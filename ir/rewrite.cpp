#include "ir/rewrite.h"

#include "ir/infer.h"

namespace nf::ir {

NodeRef make_checked(Op op, std::vector<NodeRef> operands, Attrs attrs, std::optional<Type> declared, SourceLoc loc) {
  std::vector<OperandInfo> infos;
  for (size_t i = 0; i < operands.size(); ++i) {
    if (!operands[i] || !operands[i]->defines_value())
      throw Error("internal error: a rewrite gave " + std::string(op_name(op)) + " an operand that is not a value");
    infos.push_back({operands[i]->type, "operand " + std::to_string(i)});
  }
  Inferred r = infer_type(op, infos, attrs, declared);
  if (!r.type) throw Error("internal error: a rewrite made an ill-typed " + std::string(op_name(op)) + ": " + r.error);
  return Node::make(op, *r.type, std::move(operands), std::move(attrs), loc);
}

NodeRef Body::keep(const NodeRef& n, std::vector<NodeRef> operands) {
  if (operands == n->operands) return add(n);
  return make(n->op, std::move(operands), n->attrs, n->type, n->loc);
}

NodeRef Body::read(const std::string& compartment, const Type& type) {
  Attrs a;
  a.name = compartment;
  return make(Op::Read, {}, std::move(a), type);
}

void Body::write(const std::string& compartment, const NodeRef& value) {
  Attrs a;
  a.name = compartment;
  make(Op::Write, {value}, std::move(a), value->type);
}

NodeRef Body::constant(Literal value) {
  Attrs a;
  a.literal = value;
  return make(Op::Const, {}, std::move(a), Type{value.dtype, {}});
}

// A value no node is: what a write's visit returns once it has taken care of it.
const NodeRef kHandled = Node::make(Op::Write, Type{}, {});

Process Mutator::run(const Process& process) {
  Process result = process;
  values_.clear();
  out = Body();
  for (const NodeRef& n : process.body) {
    std::vector<NodeRef> operands = n->operands;
    bool changed = false;
    for (NodeRef& o : operands) {
      NodeRef now = current(o.get());
      changed = changed || now != o;
      o = std::move(now);
    }
    NodeRef r = visit(n, operands);
    if (!r) r = changed ? out.make(n->op, std::move(operands), n->attrs, n->type, n->loc) : out.add(n);
    if (n->defines_value()) values_[n.get()] = r;
  }
  result.body = out.take();
  return result;
}

NodeRef Mutator::current(const Node* old) const {
  auto it = values_.find(old);
  if (it != values_.end()) return it->second;
  throw Error("internal error: a rewrite asked for a value it has not seen");
}

namespace {
class LambdaMutator : public Mutator {
 public:
  explicit LambdaMutator(const Visit& visit) : visit_(visit) {}

 private:
  NodeRef visit(const NodeRef& node, const std::vector<NodeRef>& operands) override {
    return visit_(node, operands, out);
  }
  const Visit& visit_;
};
}  // namespace

Process rewrite_process(const Process& process, const Visit& visit) { return LambdaMutator(visit).run(process); }

}  // namespace nf::ir
