#include "ir/fold_params.h"

#include <map>

namespace nf::ir {

namespace {

// Rebuilds a process, replacing param nodes named in `values` by constants;
// nodes whose operands did not change are kept as the same objects.
Process fold_process(const Process& process, const std::map<std::string, float>& values) {
  Process out{process.name, {}, process.loc};
  std::map<const Node*, NodeRef> replaced;
  for (const NodeRef& n : process.body) {
    NodeRef result = n;
    if (n->op == Op::Param && values.count(n->attrs.name)) {
      Attrs a;
      a.literal = Literal::f32(values.at(n->attrs.name));
      result = Node::make(Op::Const, n->type, {}, a, n->loc);
    } else {
      std::vector<NodeRef> operands = n->operands;
      bool changed = false;
      for (NodeRef& o : operands) {
        auto it = replaced.find(o.get());
        if (it != replaced.end()) {
          o = it->second;
          changed = true;
        }
      }
      if (changed) result = Node::make(n->op, n->type, std::move(operands), n->attrs, n->loc);
    }
    if (result != n) replaced[n.get()] = result;
    out.body.push_back(result);
  }
  return out;
}

}  // namespace

Program fold_params(const Program& program, const std::set<std::string>& names) {
  std::map<std::string, float> values;
  for (const Parameter& p : program.params)
    if (names.count(p.name)) values[p.name] = p.default_value;
  Program out = program;
  out.params.clear();
  for (const Parameter& p : program.params)
    if (!values.count(p.name)) out.params.push_back(p);
  for (Process& proc : out.processes) proc = fold_process(proc, values);
  return out;
}

Program drop_unused_params(const Program& program) {
  std::set<std::string> used;
  for (const Process& proc : program.processes)
    for (const NodeRef& n : proc.body)
      if (n->op == Op::Param) used.insert(n->attrs.name);
  Program out = program;
  out.params.clear();
  for (const Parameter& p : program.params)
    if (used.count(p.name)) out.params.push_back(p);
  return out;
}

}  // namespace nf::ir
