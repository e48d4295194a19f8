// The C++ API for building programs.
//
//   ProgramBuilder pb;
//   pb.compartment("W.weights", {DType::F32, {2, 3}}, Role::State, Literal::f32(0.5f));
//   pb.param("W.eta", 0.01f);
//   ProcessBuilder& p = pb.process("evolve");
//   NodeRef w = p.read("W.weights");
//   p.write("W.weights", p.mul(w, p.param("W.eta")));
//   Program prog = pb.build();   // verified
//
// Every factory infers and checks its result type; misuse throws nf::Error
// whose message names the process, the values involved and their types.
#pragma once

#include <deque>
#include <map>
#include <memory>

#include "ir/program.h"

namespace nf::ir {

class ProgramBuilder;

class ProcessBuilder {
 public:
  ProcessBuilder(ProgramBuilder& program, std::string name);

  NodeRef read(const std::string& compartment);
  void write(const std::string& compartment, const NodeRef& value);
  // A parameter, t or dt: read as f32 (rounded once) unless asked for f64.
  NodeRef param(const std::string& name, DType as = DType::F32);
  NodeRef t(DType as = DType::F32);
  NodeRef dt(DType as = DType::F32);
  NodeRef constant(Literal value, Shape shape = {});
  NodeRef constant(float value, Shape shape = {}) { return constant(Literal::f32(value), std::move(shape)); }
  NodeRef constant64(double value) { return constant(Literal::f64(value)); }

  NodeRef unary(Op op, const NodeRef& x);
  NodeRef binary(Op op, const NodeRef& a, const NodeRef& b);  // also comparisons
  NodeRef ternary(Op op, const NodeRef& a, const NodeRef& b, const NodeRef& c);

  NodeRef add(const NodeRef& a, const NodeRef& b) { return binary(Op::Add, a, b); }
  NodeRef sub(const NodeRef& a, const NodeRef& b) { return binary(Op::Sub, a, b); }
  NodeRef mul(const NodeRef& a, const NodeRef& b) { return binary(Op::Mul, a, b); }
  NodeRef div(const NodeRef& a, const NodeRef& b) { return binary(Op::Div, a, b); }
  NodeRef select(const NodeRef& c, const NodeRef& a, const NodeRef& b) { return ternary(Op::Select, c, a, b); }
  NodeRef clip(const NodeRef& x, const NodeRef& lo, const NodeRef& hi) { return ternary(Op::Clip, x, lo, hi); }
  NodeRef fma(const NodeRef& a, const NodeRef& b, const NodeRef& c) { return ternary(Op::Fma, a, b, c); }

  NodeRef cast(const NodeRef& x, DType to);
  NodeRef matmul(const NodeRef& a, const NodeRef& b);
  NodeRef transpose(const NodeRef& x, std::vector<int64_t> perm = {1, 0});
  NodeRef reduce(Op op, const NodeRef& x, int axis, bool keepdims = false);
  NodeRef reshape(const NodeRef& x, Shape shape);
  NodeRef broadcast(const NodeRef& x, Shape shape);
  NodeRef slice(const NodeRef& x, std::vector<int64_t> begin, std::vector<int64_t> end);
  NodeRef concat(const std::vector<NodeRef>& parts, int axis);
  NodeRef one_hot(const NodeRef& indices, int64_t depth);
  NodeRef iota(Shape shape, int axis);
  NodeRef uniform(const NodeRef& counter, Shape shape, const std::string& stream);
  NodeRef normal(const NodeRef& counter, Shape shape, const std::string& stream);
  NodeRef bernoulli(const NodeRef& p, const NodeRef& counter, Shape shape, const std::string& stream);
  // Over the program's connectivity `name` (ir/connectivity.h), which must exist.
  NodeRef sparse_matmul(const NodeRef& x, const NodeRef& values, const std::string& name);
  NodeRef gather(const NodeRef& x, const std::string& name);

  // The general factory the others use.
  NodeRef emit(Op op, std::vector<NodeRef> operands, Attrs attrs = {},
               std::optional<Type> declared = std::nullopt);

  Process finish() const { return process_; }

  // Undoing a trial: the number of statements so far, and dropping every
  // statement after such a mark.
  size_t mark() const { return process_.body.size(); }
  void truncate(size_t mark);

 private:
  std::string label(const NodeRef& n) const;

  ProgramBuilder& program_;
  Process process_;
  std::map<const Node*, int> value_index_;
};

class ProgramBuilder {
 public:
  void compartment(const std::string& name, Type type, Role role, Literal init);
  void compartment(const std::string& name, Type type, Role role, float init = 0.0f) {
    compartment(name, std::move(type), role, Literal::f32(init));
  }
  void param(const std::string& name, double default_value);
  // An alias (program.h): `terms` in postfix order.
  void alias(const std::string& name, std::vector<std::string> terms);
  void connectivity(Connectivity c) { program_.connectivities.push_back(std::move(c)); }
  const Connectivity* find_connectivity(const std::string& name) const { return program_.find_connectivity(name); }
  void defaults(double dt, uint64_t seed) {
    program_.default_dt = dt;
    program_.default_seed = seed;
  }
  ProcessBuilder& process(const std::string& name);

  const Compartment* find_compartment(const std::string& name) const {
    return program_.find_compartment(name);
  }
  const Parameter* find_param(const std::string& name) const { return program_.find_param(name); }

  // The program built so far, verified; throws nf::Error listing every problem.
  Program build() const;

 private:
  Program program_;
  std::deque<ProcessBuilder> processes_;
};

}  // namespace nf::ir
