#include "ir/node.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <unordered_set>

namespace nf::ir {

std::string Literal::str() const {
  switch (dtype) {
    case DType::Bool: return bits ? "true" : "false";
    case DType::I32: return std::to_string(as_i32());
    case DType::F32: break;
    case DType::F64: {
      double v = as_f64();
      if (std::isnan(v)) {
        if ((bits & 0x7fffffffffffffffull) == 0x7ff8000000000000ull) return bits >> 63 ? "-nan" : "nan";
        char buf[40];
        std::snprintf(buf, sizeof buf, "nan(0x%016llx)", static_cast<unsigned long long>(bits));
        return buf;
      }
      if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
      char buf[64];
      auto res = std::to_chars(buf, buf + sizeof buf, v);
      return std::string(buf, res.ptr);
    }
  }
  float v = as_f32();
  if (std::isnan(v)) {
    if ((bits & 0x7fffffffu) == 0x7fc00000u) return bits >> 31 ? "-nan" : "nan";
    char buf[32];
    std::snprintf(buf, sizeof buf, "nan(0x%08x)", word());
    return buf;
  }
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

namespace {

// Frees a node without recursing into its operands: a chain of 200,000 nodes
// (a long .nfir file, a long method) would otherwise overflow the stack in
// the shared pointers' destructors. Operands this node alone owns are moved
// to a worklist and emptied before they are released, so each release frees
// one node. Nodes are made non-const (only handed out as const), which makes
// emptying them here well defined.
struct IterativeDelete {
  void operator()(Node* node) const {
    std::vector<NodeRef> pending = std::move(node->operands);
    delete node;
    while (!pending.empty()) {
      NodeRef last = std::move(pending.back());
      pending.pop_back();
      if (last.use_count() == 1) {  // the only owner: nobody else can be reading it
        auto& operands = const_cast<Node&>(*last).operands;
        for (NodeRef& o : operands) pending.push_back(std::move(o));
        operands.clear();
      }
    }
  }
};

}  // namespace

NodeRef Node::make(Op op, Type type, std::vector<NodeRef> operands, Attrs attrs, SourceLoc loc) {
  return NodeRef(new Node{op, std::move(type), std::move(operands), std::move(attrs), std::move(loc)},
                 IterativeDelete{});
}

bool is_parameter_expression(const Node& n) {
  // An explicit worklist, each node visited once: values can be long chains
  // and shared many times over (x = p * x, 30,000 times).
  std::vector<const Node*> pending{&n};
  std::unordered_set<const Node*> seen{&n};
  while (!pending.empty()) {
    const Node* m = pending.back();
    pending.pop_back();
    switch (op_class(m->op)) {
      case OpClass::Const: case OpClass::Param: break;
      case OpClass::Unary: case OpClass::Binary: case OpClass::Compare: case OpClass::Ternary: case OpClass::Cast:
        for (const NodeRef& o : m->operands)
          if (seen.insert(o.get()).second) pending.push_back(o.get());
        break;
      default: return false;
    }
  }
  return true;
}

}  // namespace nf::ir
