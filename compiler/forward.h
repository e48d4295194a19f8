// Write forwarding: within a process, a read of a compartment that the
// process has already written is the written value (docs/SEMANTICS.md: a
// read sees earlier writes of its process). This stage replaces each such
// read by that value, so in what follows every read means "the value at the
// start of the process", which is what a kernel loads from memory.
#pragma once

#include "ir/program.h"

namespace nf::compiler {

// `program` with every read that follows a write of its compartment in the
// same process replaced by the written value. Unchanged when there is none.
ir::Program forward_writes(const ir::Program& program);

}  // namespace nf::compiler
