// Parameter folding: turns run-time parameters into constants.
//
// A parameter folded this way is no longer part of the state: every `param`
// node that reads it becomes a `const` with its value. The front end folds the
// parameters that decide a static branch or a shape (changing them at run time
// could not change the program's structure), and `--specialize` folds them all.
#pragma once

#include <set>
#include <string>

#include "ir/program.h"

namespace nf::ir {

// Replaces reads of the named parameters by their values and removes them.
Program fold_params(const Program& program, const std::set<std::string>& names);

// Every parameter folded (`--specialize`).
Program fold_all_params(const Program& program);

// Removes parameters that no process reads.
Program drop_unused_params(const Program& program);

}  // namespace nf::ir
