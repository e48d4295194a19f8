// Where everything lives in a compiled program's state block.
//
// One aligned block of memory holds every compartment (4 bytes per element:
// f32 bits, i32, or 0/1 for bool, row-major), every run-time parameter (f64),
// the seed (u64) and the scratch space for intermediate values that compiled
// processes keep between their kernels. Each region starts at a multiple of
// kAlignment bytes. The runtime allocates the block; compiled code only ever
// sees its base address.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/program.h"

namespace nf::compiler {

inline constexpr int64_t kAlignment = 64;

struct Slot {
  std::string name;
  ir::Type type;
  int64_t offset = 0;  // bytes from the start of the block
  int64_t bytes = 0;
};

struct Layout {
  std::vector<Slot> compartments;  // in program order
  std::vector<Slot> params;        // in program order, each f64[] (8 bytes)
  int64_t seed_offset = 0;         // u64
  int64_t hooks_offset = 0;        // nf_parallel (neurofuse/module.h)
  int64_t scratch_offset = 0;      // start of the scratch region
  int64_t size = 0;                // total bytes, a multiple of kAlignment

  // The slot of a compartment the program declares; a missing one is a
  // compiler bug (internal error).
  const Slot& compartment(const std::string& name) const;
  const Slot* find_param(const std::string& name) const;
};

// The layout of `program`'s state, with `scratch_bytes` of scratch space.
Layout make_layout(const ir::Program& program, int64_t scratch_bytes);

inline int64_t align_up(int64_t n) { return (n + kAlignment - 1) / kAlignment * kAlignment; }

}  // namespace nf::compiler
