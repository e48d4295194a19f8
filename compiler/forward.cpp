#include "compiler/forward.h"

#include <map>

#include "ir/rewrite.h"

namespace nf::compiler {

ir::Program forward_writes(const ir::Program& input) {
  ir::Program program = input;
  for (ir::Process& p : program.processes) {
    std::map<std::string, ir::NodeRef> written;  // compartment -> the value last written
    p = ir::rewrite_process(p, [&](const ir::NodeRef& n, const std::vector<ir::NodeRef>& operands,
                                   ir::Body&) -> ir::NodeRef {
      if (n->op == ir::Op::Write) {
        written[n->attrs.name] = operands[0];
        return nullptr;
      }
      if (n->op != ir::Op::Read) return nullptr;
      auto it = written.find(n->attrs.name);
      return it == written.end() ? nullptr : it->second;  // the value stands for the read, which goes
    });
  }
  return program;
}

}  // namespace nf::compiler
