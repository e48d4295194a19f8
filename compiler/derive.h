// Parameter values: a value of a process that depends on run-time parameters
// and constants alone (1 - alpha rounded to f32, the condition tau_elg > 0)
// is the same at every step until a parameter changes. Compiled code computes
// each such value in a hidden process, `derive of parameters`, into a hidden
// value compartment (`parameters@valueK`, ir/program.h), and the processes
// read it there. The
// module's `derive` entry runs that process; the runtime calls it whenever
// parameters change: when a state is made, after nf_state_set_param and after
// a checkpoint is loaded (neurofuse/module.h). The values are the bits the
// interpreter computes in place: the same operations on the same parameters.
#pragma once

#include <string>

#include "ir/program.h"

namespace nf::compiler {

// Whether a compartment is one of the hidden parameter values (only those
// have names of this form, ir/verifier.cpp): kernels load it from the state
// block like a parameter (no step writes it).
inline bool is_parameter_value(const std::string& compartment) {
  return compartment.starts_with("parameters@value");
}

// Moves the parameter values of the processes into hidden value compartments
// computed by the derive process (added only when there is one). With none,
// or when `program` has its derive process already, `program` comes back
// unchanged.
ir::Program hoist_parameter_values(const ir::Program& program);

}  // namespace nf::compiler
