// The compiler's pipeline, from the elaborated program to the kernel plan
// that code generation follows. Its stages, in order:
//
//   ir        the program as the front end elaborated it
//   factored  low-rank compartments kept as their factors, with each
//             process's storage variant and a materializer (factor.h)
//   events    static matrices whose vector-matrix products skip the rows of
//             +0 inputs, with their facts and clear counts (events.h)
//   derived   the values of run-time parameters computed once per change by
//             the derive process, not every step (derive.h)
//   forwarded a read after a write of its compartment in the same process
//             replaced by the written value, so every read is a start value
//             (forward.h)
//   kernels   the kernel plan: which operations fuse into which loops (plan.h)
//
// Every stage up to `forwarded` is an ir::Program that the verifier accepts,
// the printer prints and the parser reads back; lower() verifies each, and a
// stage run on its own output changes nothing, so lowering a printed stage
// gives what lowering the original gives.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "compiler/kept.h"
#include "compiler/options.h"
#include "compiler/plan.h"
#include "ir/program.h"

namespace nf::compiler {

// The stages in order ("ir" ... "kernels"), each with a line on what it does.
struct StageInfo {
  std::string name, summary;
};
std::vector<StageInfo> stages();

struct Lowered {
  KeptProgram kept;  // the program after the last program stage, and its tables
  Plan plan;
};

// Called after each program stage with its name and result.
using StageObserver = std::function<void(const std::string& stage, const ir::Program& program)>;

// Runs every stage on `program` (a verified program), verifying each result; throws nf::Error
// ("internal error") naming the stage whose result the verifier rejects.
Lowered lower(const ir::Program& program, const BuildOptions& options, const StageObserver& after = {});

// A stage as text: a program stage printed as IR, "kernels" as the plan.
// With `process`, only that process (and its storage variant). Throws
// nf::Error for an unknown stage, listing the stages.
std::string stage_text(const ir::Program& program, const std::string& stage, const std::string& process,
                       const BuildOptions& options);

}  // namespace nf::compiler
