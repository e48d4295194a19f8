#include "ir/builder.h"

#include "ir/infer.h"
#include "ir/verifier.h"

namespace nf::ir {

ProcessBuilder::ProcessBuilder(ProgramBuilder& program, std::string name) : program_(program) {
  process_.name = std::move(name);
}

std::string ProcessBuilder::label(const NodeRef& n) const {
  auto it = value_index_.find(n.get());
  return it == value_index_.end() ? "<value from another process>" : "%" + std::to_string(it->second);
}

NodeRef ProcessBuilder::emit(Op op, std::vector<NodeRef> operands, Attrs attrs,
                             std::optional<Type> declared) {
  std::vector<OperandInfo> infos;
  for (const NodeRef& o : operands) {
    if (!o) throw Error("process '" + process_.name + "': " + std::string(op_name(op)) + " given a null operand");
    if (!value_index_.count(o.get()))
      throw Error("process '" + process_.name + "': " + std::string(op_name(op)) +
                  " uses a value that was not built in this process");
    infos.push_back({o->type, label(o)});
  }
  Inferred r = infer_type(op, infos, attrs, declared);
  if (!r.type) {
    std::string what = op == Op::Write ? "write " + attrs.name
                                       : "%" + std::to_string(value_index_.size()) + " = " +
                                             std::string(op_name(op));
    throw Error("process '" + process_.name + "', " + what + ": " + r.error);
  }
  NodeRef n = Node::make(op, *r.type, std::move(operands), std::move(attrs));
  if (n->defines_value()) value_index_[n.get()] = int(value_index_.size());
  process_.body.push_back(n);
  return n;
}

void ProcessBuilder::truncate(size_t mark) {
  while (process_.body.size() > mark) {
    value_index_.erase(process_.body.back().get());
    process_.body.pop_back();
  }
}

NodeRef ProcessBuilder::read(const std::string& compartment) {
  const Compartment* c = program_.find_compartment(compartment);
  if (!c) throw Error("process '" + process_.name + "': read of unknown compartment '" + compartment + "'");
  Attrs a;
  a.name = compartment;
  return emit(Op::Read, {}, a, c->type);
}

void ProcessBuilder::write(const std::string& compartment, const NodeRef& value) {
  const Compartment* c = program_.find_compartment(compartment);
  if (!c) throw Error("process '" + process_.name + "': write to unknown compartment '" + compartment + "'");
  if (value && value->type != c->type)
    throw Error("process '" + process_.name + "', write " + compartment + ": value " + label(value) +
                " is " + value->type.str() + " but the compartment is " + c->type.str());
  Attrs a;
  a.name = compartment;
  emit(Op::Write, {value}, a);
}

NodeRef ProcessBuilder::param(const std::string& name, DType as) {
  if (!program_.find_param(name))
    throw Error("process '" + process_.name + "': unknown parameter '" + name + "'");
  Attrs a;
  a.name = name;
  return emit(Op::Param, {}, a, Type{as, {}});
}

NodeRef ProcessBuilder::t(DType as) { return emit(Op::Time, {}, {}, Type{as, {}}); }
NodeRef ProcessBuilder::dt(DType as) { return emit(Op::StepSize, {}, {}, Type{as, {}}); }

NodeRef ProcessBuilder::constant(Literal value, Shape shape) {
  Attrs a;
  a.literal = value;
  return emit(Op::Const, {}, a, Type{value.dtype, std::move(shape)});
}

NodeRef ProcessBuilder::unary(Op op, const NodeRef& x) { return emit(op, {x}); }
NodeRef ProcessBuilder::binary(Op op, const NodeRef& a, const NodeRef& b) { return emit(op, {a, b}); }
NodeRef ProcessBuilder::ternary(Op op, const NodeRef& a, const NodeRef& b, const NodeRef& c) {
  return emit(op, {a, b, c});
}

NodeRef ProcessBuilder::cast(const NodeRef& x, DType to) {
  return emit(Op::Cast, {x}, {}, Type{to, x ? x->type.shape : Shape{}});
}

NodeRef ProcessBuilder::matmul(const NodeRef& a, const NodeRef& b) { return emit(Op::MatMul, {a, b}); }

NodeRef ProcessBuilder::transpose(const NodeRef& x, std::vector<int64_t> perm) {
  Attrs a;
  a.perm = std::move(perm);
  return emit(Op::Transpose, {x}, a);
}

NodeRef ProcessBuilder::reduce(Op op, const NodeRef& x, int axis, bool keepdims) {
  Attrs a;
  a.axis = axis;
  a.keepdims = keepdims;
  return emit(op, {x}, a);
}

NodeRef ProcessBuilder::reshape(const NodeRef& x, Shape shape) {
  return emit(Op::Reshape, {x}, {}, Type{x ? x->type.dtype : DType::F32, std::move(shape)});
}

NodeRef ProcessBuilder::broadcast(const NodeRef& x, Shape shape) {
  return emit(Op::Broadcast, {x}, {}, Type{x ? x->type.dtype : DType::F32, std::move(shape)});
}

NodeRef ProcessBuilder::slice(const NodeRef& x, std::vector<int64_t> begin, std::vector<int64_t> end) {
  Attrs a;
  a.begin = std::move(begin);
  a.end = std::move(end);
  return emit(Op::Slice, {x}, a);
}

NodeRef ProcessBuilder::concat(const std::vector<NodeRef>& parts, int axis) {
  Attrs a;
  a.axis = axis;
  return emit(Op::Concat, parts, a);
}

NodeRef ProcessBuilder::one_hot(const NodeRef& indices, int64_t depth) {
  std::vector<int64_t> dims = indices ? indices->type.shape.dims : std::vector<int64_t>{};
  dims.push_back(depth);
  return emit(Op::OneHot, {indices}, {}, Type{DType::F32, Shape(dims)});
}

NodeRef ProcessBuilder::sparse_matmul(const NodeRef& x, const NodeRef& values, const std::string& name) {
  const Connectivity* c = program_.find_connectivity(name);
  if (!c) throw Error("no connectivity '" + name + "'");
  Attrs a;
  a.name = name;
  const int64_t batch = x && x->type.shape.rank() == 2 ? x->type.shape[0] : 1;
  return emit(Op::SparseMatMul, {x, values}, a, Type{DType::F32, Shape{batch, c->tables->columns}});
}

NodeRef ProcessBuilder::gather(const NodeRef& x, const std::string& name) {
  const Connectivity* c = program_.find_connectivity(name);
  if (!c) throw Error("no connectivity '" + name + "'");
  Attrs a;
  a.name = name;
  return emit(Op::Gather, {x}, a, Type{x ? x->type.dtype : DType::F32, Shape{c->tables->entries()}});
}

NodeRef ProcessBuilder::iota(Shape shape, int axis) {
  Attrs a;
  a.axis = axis;
  return emit(Op::Iota, {}, a, Type{DType::I32, std::move(shape)});
}

NodeRef ProcessBuilder::uniform(const NodeRef& counter, Shape shape, const std::string& stream) {
  Attrs a;
  a.name = stream;
  return emit(Op::Uniform, {counter}, a, Type{DType::F32, std::move(shape)});
}

NodeRef ProcessBuilder::normal(const NodeRef& counter, Shape shape, const std::string& stream) {
  Attrs a;
  a.name = stream;
  return emit(Op::Normal, {counter}, a, Type{DType::F32, std::move(shape)});
}

NodeRef ProcessBuilder::bernoulli(const NodeRef& p, const NodeRef& counter, Shape shape,
                                  const std::string& stream) {
  Attrs a;
  a.name = stream;
  return emit(Op::Bernoulli, {p, counter}, a, Type{DType::Bool, std::move(shape)});
}

void ProgramBuilder::compartment(const std::string& name, Type type, Role role, Literal init) {
  Compartment c;
  c.name = name;
  c.type = std::move(type);
  c.role = role;
  c.init = init;
  program_.compartments.push_back(std::move(c));
}

void ProgramBuilder::param(const std::string& name, double default_value) {
  program_.params.push_back({name, default_value, {}});
}

void ProgramBuilder::alias(const std::string& name, std::vector<std::string> terms) {
  program_.aliases.push_back({name, std::move(terms), {}});
}

ProcessBuilder& ProgramBuilder::process(const std::string& name) {
  return processes_.emplace_back(*this, name);
}

Program ProgramBuilder::build() const {
  Program p = program_;
  for (const ProcessBuilder& b : processes_) p.processes.push_back(b.finish());
  std::vector<Diagnostic> problems = verify(p);
  if (!problems.empty()) throw Error(std::move(problems));
  return p;
}

}  // namespace nf::ir
