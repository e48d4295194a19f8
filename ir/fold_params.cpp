#include "ir/fold_params.h"

#include <map>

namespace nf::ir {

namespace {

// Rebuilds a process, replacing param nodes named in `values` by constants;
// nodes whose operands did not change are kept as the same objects.
Process fold_process(const Process& process, const std::map<std::string, double>& values) {
  Process out = process;
  out.body.clear();
  std::map<const Node*, NodeRef> replaced;
  for (const NodeRef& n : process.body) {
    NodeRef result = n;
    auto value = n->op == Op::Param ? values.find(n->attrs.name) : values.end();
    if (value != values.end()) {
      Attrs a;  // an f32 read is the value rounded once, as at run time
      a.literal = n->type.dtype == DType::F64 ? Literal::f64(value->second) : Literal::f32(float(value->second));
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
  std::map<std::string, double> values;
  for (const Parameter& p : program.params)
    if (names.count(p.name)) values[p.name] = p.default_value;
  Program out = program;
  out.params.clear();
  for (const Parameter& p : program.params)
    if (!values.count(p.name)) out.params.push_back(p);
  for (Process& proc : out.processes) proc = fold_process(proc, values);
  return out;
}

Program fold_all_params(const Program& program) {
  std::set<std::string> all;
  for (const Parameter& p : program.params) all.insert(p.name);
  return fold_params(program, all);
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
