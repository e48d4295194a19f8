// Rewriting processes: checked construction of new nodes, and one mutator
// that rebuilds a process node by node, keeping every node whose operands
// did not change as the same object.
//
// Every pass that changes a program goes through these, so a node a pass
// makes has the type the IR's typing rule gives it (ir/infer.h): a pass that
// would build an ill-typed node fails at once, naming the node, instead of
// producing wrong bits or code LLVM rejects.
#pragma once

#include <functional>
#include <unordered_map>
#include <vector>

#include "ir/program.h"

namespace nf::ir {

// A node of `op` over `operands`, with the type the typing rule gives it
// (`declared` for the ops whose type is not implied by their operands, as
// infer_type takes it). Throws nf::Error ("internal error") when the rule
// rejects it.
NodeRef make_checked(Op op, std::vector<NodeRef> operands, Attrs attrs = {}, std::optional<Type> declared = {},
                     SourceLoc loc = {});

// The nodes of a process body being built: each helper makes a checked node
// and appends it.
class Body {
 public:
  NodeRef add(NodeRef n) {
    nodes_.push_back(n);
    return n;
  }
  NodeRef make(Op op, std::vector<NodeRef> operands, Attrs attrs = {}, std::optional<Type> declared = {},
               SourceLoc loc = {}) {
    return add(make_checked(op, std::move(operands), std::move(attrs), std::move(declared), loc));
  }
  // `n` over `operands`: `n` itself when they are its own, else a checked copy.
  NodeRef keep(const NodeRef& n, std::vector<NodeRef> operands);
  NodeRef read(const std::string& compartment, const Type& type);
  void write(const std::string& compartment, const NodeRef& value);
  NodeRef constant(Literal value);  // a scalar

  std::vector<NodeRef> take() { return std::move(nodes_); }

 private:
  std::vector<NodeRef> nodes_;
};

// Rebuilds a process node by node. For each node of the old body, visit()
// is given the node and its operands as rewritten so far. Returning nullptr
// keeps the node: the same object when its operands did not change, else a
// checked copy over the new ones. Otherwise visit() has appended to `out`
// whatever stands for the node and returns the value later operands use in
// its place; for a write, which defines no value, it returns kHandled.
class Mutator {
 public:
  virtual ~Mutator() = default;
  Process run(const Process& process);

 protected:
  virtual NodeRef visit(const NodeRef& node, const std::vector<NodeRef>& operands) = 0;
  // The value that stands for `old`, an earlier node of the old body.
  NodeRef current(const Node* old) const;

  Body out;

 private:
  std::unordered_map<const Node*, NodeRef> values_;  // each old value -> the value standing for it
};

extern const NodeRef kHandled;

// A Mutator whose visit() is `visit`.
using Visit = std::function<NodeRef(const NodeRef& node, const std::vector<NodeRef>& operands, Body& out)>;
Process rewrite_process(const Process& process, const Visit& visit);

}  // namespace nf::ir
