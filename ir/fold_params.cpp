#include "ir/fold_params.h"

#include <map>

#include "ir/rewrite.h"

namespace nf::ir {

namespace {

// A process with param nodes named in `values` replaced by constants.
Process fold_process(const Process& process, const std::map<std::string, double>& values) {
  return rewrite_process(process, [&](const NodeRef& n, const std::vector<NodeRef>&, Body& out) -> NodeRef {
    auto value = n->op == Op::Param ? values.find(n->attrs.name) : values.end();
    if (value == values.end()) return nullptr;
    Attrs a;  // an f32 read is the value rounded once, as at run time
    a.literal = n->type.dtype == DType::F64 ? Literal::f64(value->second) : Literal::f32(float(value->second));
    return out.make(Op::Const, {}, a, n->type, n->loc);
  });
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
