// What a build is asked for: optimization, target, and the sizes at which
// the lowering stages keep compartments in other forms.
#pragma once

#include <cstdint>
#include <string>

namespace nf::compiler {

struct BuildOptions {
  int opt_level = 2;               // 0..3
  std::string target_cpu = "host";  // "host", "generic", or an LLVM CPU name such as x86-64-v2
  std::string model_name = "model";
  bool use_cache = true;
  // Compartments of at least this many elements are kept as factors when
  // low rank (factor.h).
  int64_t factor_min_elements = 16384;
  // Vector-matrix products skip the rows of +0 inputs for static matrices of
  // at least this many elements (events.h).
  int64_t event_min_elements = 65536;
  // The JIT's tiered compilation (jit.h): when the object is not cached,
  // load unoptimized code at once and switch to the optimized build when
  // it is ready. Only jit_module reads it.
  bool tiered = false;
  // Entry points jump through `nf_tier_table` (module_abi.h); set by the
  // JIT for its first tier, never cached.
  bool tier_table = false;
};

}  // namespace nf::compiler
