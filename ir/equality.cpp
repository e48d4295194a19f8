#include "ir/equality.h"

#include <map>

#include "ir/printer.h"

namespace nf::ir {

namespace {

bool same_process(const Process& a, const Process& b) {
  if (a.name != b.name || a.body.size() != b.body.size()) return false;
  std::map<const Node*, size_t> pos_a, pos_b;
  for (size_t i = 0; i < a.body.size(); ++i) {
    const Node& x = *a.body[i];
    const Node& y = *b.body[i];
    if (x.op != y.op || x.type != y.type || !(x.attrs == y.attrs) || x.operands.size() != y.operands.size())
      return false;
    for (size_t k = 0; k < x.operands.size(); ++k) {
      auto ia = pos_a.find(x.operands[k].get());
      auto ib = pos_b.find(y.operands[k].get());
      if (ia == pos_a.end() || ib == pos_b.end() || ia->second != ib->second) return false;
    }
    pos_a[&x] = i;
    pos_b[&y] = i;
  }
  return true;
}

}  // namespace

bool structurally_equal(const Program& a, const Program& b) {
  if (std::bit_cast<uint64_t>(a.default_dt) != std::bit_cast<uint64_t>(b.default_dt) ||
      a.default_seed != b.default_seed)
    return false;
  if (a.compartments.size() != b.compartments.size() || a.params.size() != b.params.size() ||
      a.processes.size() != b.processes.size())
    return false;
  for (size_t i = 0; i < a.compartments.size(); ++i) {
    const Compartment &x = a.compartments[i], &y = b.compartments[i];
    if (x.name != y.name || x.type != y.type || x.role != y.role || !(x.init == y.init)) return false;
  }
  for (size_t i = 0; i < a.params.size(); ++i)
    if (a.params[i].name != b.params[i].name ||
        std::bit_cast<uint64_t>(a.params[i].default_value) != std::bit_cast<uint64_t>(b.params[i].default_value))
      return false;
  if (a.connectivities.size() != b.connectivities.size()) return false;
  for (size_t i = 0; i < a.connectivities.size(); ++i) {
    const Connectivity &x = a.connectivities[i], &y = b.connectivities[i];
    if (x.name != y.name || !x.tables != !y.tables || (x.tables && !(*x.tables == *y.tables))) return false;
  }
  for (size_t i = 0; i < a.processes.size(); ++i)
    if (!same_process(a.processes[i], b.processes[i])) return false;
  return true;
}

uint64_t fnv1a64(std::string_view text) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

uint64_t structural_hash(const Program& program) { return fnv1a64(print(program)); }

}  // namespace nf::ir
