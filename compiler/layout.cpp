#include "compiler/layout.h"

#include "ir/diagnostic.h"

namespace nf::compiler {

const Slot& Layout::compartment(const std::string& name) const {
  for (const Slot& s : compartments)
    if (s.name == name) return s;
  throw Error("internal compiler error: no compartment '" + name + "' in the state layout");
}

const Slot* Layout::find_param(const std::string& name) const {
  for (const Slot& s : params)
    if (s.name == name) return &s;
  return nullptr;
}

Layout make_layout(const ir::Program& program, int64_t scratch_bytes) {
  Layout l;
  int64_t at = 0;
  for (const ir::Compartment& c : program.compartments) {
    int64_t bytes = c.type.shape.num_elements() * 4;
    l.compartments.push_back({c.name, c.type, at, bytes});
    at = align_up(at + bytes);
  }
  for (const ir::Parameter& p : program.params) {
    l.params.push_back({p.name, ir::Type{ir::DType::F64, {}}, at, 8});
    at += 8;
  }
  at = align_up(at);
  l.seed_offset = at;
  l.hooks_offset = at + 8;
  at = align_up(at + 8 + 16);
  l.scratch_offset = at;
  l.size = align_up(at + scratch_bytes);
  return l;
}

}  // namespace nf::compiler
