// Low-rank compartments: a compartment whose value is an element-wise
// expression of much smaller values (MSTDPETSynapse's dWeights is a
// difference of two outer products) is kept by compiled code as those small
// values, its factors, and recomputed element by element where a kernel reads
// it, so a step neither writes nor reads the full matrix.
//
// The compartment keeps its storage, which holds the value whenever its form
// word (a hidden compartment, ir/program.h) is not FormWord::Factors
// (kept.h): after a write that is not of the low-rank form (a reset to 0), at
// a new state, and after the host writes it. A write of the low-rank form
// stores the factors and sets the form to Factors. The host sees the value
// through the module's `materialize` entry, which computes the storage from
// the factors (neurofuse/module.h).
//
// A process that reads such a compartment before writing it comes in two
// variants: one that reads the factors (run when every such compartment has
// the form Factors, the steady state) and its storage variant, which reads
// the storage (run otherwise, after materializing what has form Factors). Both compute exactly the
// interpreter's values: a value recomputed from the same factors by the same
// operations is the same bits.
#pragma once

#include <cstdint>

#include "compiler/kept.h"
#include "ir/program.h"

namespace nf::compiler {

// Finds the compartments worth keeping as factors (at least `min_elements`
// elements, every factor together at most half of them) and rewrites the
// processes to keep them so: hidden factor and form compartments, a storage
// variant of each process that reads one before writing it, and a
// materialize process per compartment (ir/program.h). With none, or when
// `program` has factored compartments already, `program` comes back
// unchanged. (A smaller matrix stays in cache, where its traffic costs
// little and a second variant of each process would only cost compile time.)
ir::Program factor_low_rank(const ir::Program& program, int64_t min_elements);

}  // namespace nf::compiler
