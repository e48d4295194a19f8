#include "compiler/kept.h"

#include <algorithm>

namespace nf::compiler {

KeptProgram describe_kept(ir::Program program) {
  KeptProgram f;
  for (const ir::Compartment& c : program.compartments) {
    if (c.hidden == ir::Hidden::None) ++f.public_compartments;
    if (c.hidden == ir::Hidden::Form)
      f.compartments.push_back({c.of, c.name, {}, ir::variant_name(ir::Variant::Materialize, c.of)});
    if (c.hidden == ir::Hidden::Facts)
      f.events.push_back({c.of, c.name, ir::hidden_name(ir::Hidden::Clear, c.of), c.scale});
  }
  // Factors in index order (the verifier lets a text list them in any order).
  for (FactoredCompartment& fc : f.compartments) {
    std::vector<const ir::Compartment*> factors;
    for (const ir::Compartment& c : program.compartments)
      if (c.hidden == ir::Hidden::Factor && c.of == fc.name) factors.push_back(&c);
    std::sort(factors.begin(), factors.end(), [](auto* a, auto* b) { return a->index < b->index; });
    for (const ir::Compartment* c : factors) fc.factors.push_back(c->name);
  }
  for (const ir::Process& p : program.processes) {
    if (p.variant != ir::Variant::Public) continue;
    ProcessVariants v{p.name, "", {}};
    for (const ir::Process& q : program.processes)
      if (q.variant == ir::Variant::Storage && q.of == p.name) v.dense = q.name, v.needs = q.needs;
    f.processes.push_back(std::move(v));
  }
  f.program = std::move(program);
  return f;
}

int public_index(const KeptProgram& f, const std::string& compartment) {
  for (size_t i = 0; i < f.public_compartments; ++i)
    if (f.program.compartments[i].name == compartment) return int(i);
  return -1;
}

}  // namespace nf::compiler
