// Which CPU features the running machine has, for refusing a module compiled
// for features it lacks (nf_module_info.features) before any of its code runs.
#pragma once

#include <string>
#include <vector>

namespace nf::runtime {

// The features in `features` ("+avx2,+fma,...", LLVM's names; "-x" entries
// and features this runtime cannot test are skipped) that this CPU, with its
// operating system, does not support. Empty on machines without a table.
std::vector<std::string> missing_cpu_features(const char* features);

}  // namespace nf::runtime
