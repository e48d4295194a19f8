// Parameter values: a value of a process that depends on run-time parameters
// and constants alone (1 - alpha rounded to f32, the condition tau_elg > 0)
// is the same at every step until a parameter changes. Compiled code computes
// each such value in a hidden process, `parameters#derive`, into a hidden
// compartment (`parameters#valueK`), and the processes read it there. The
// module's `derive` entry runs that process; the runtime calls it whenever
// parameters change: when a state is made, after nf_state_set_param and after
// a checkpoint is loaded (neurofuse/module.h). The values are the bits the
// interpreter computes in place: the same operations on the same parameters.
#pragma once

#include <string>

#include "compiler/factor.h"

namespace nf::compiler {

inline constexpr const char* kDeriveProcess = "parameters#derive";

// Whether a compartment is one of the hidden parameter values: kernels load
// it from the state block like a parameter (no step writes it).
inline bool is_parameter_value(const std::string& compartment) {
  return compartment.starts_with("parameters#value");
}

// Moves the parameter values of f.program's processes into hidden
// compartments computed by kDeriveProcess (added only when there is one).
void hoist_parameter_values(Factored& f);

}  // namespace nf::compiler
