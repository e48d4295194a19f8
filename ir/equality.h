// Structural equality and hashing of programs, in one place.
//
// Two programs are equal when they declare the same compartments and
// parameters in the same order and their processes have the same statements:
// same ops, types, attributes and literal bits, with operands referring to the
// same positions. Source locations and value names do not count.
#pragma once

#include <cstdint>
#include <string_view>

#include "ir/program.h"

namespace nf::ir {

bool structurally_equal(const Program& a, const Program& b);

// A 64-bit hash consistent with structurally_equal (FNV-1a of the canonical
// text, which encodes exactly the structure).
uint64_t structural_hash(const Program& program);

// FNV-1a, 64 bits, of any text.
uint64_t fnv1a64(std::string_view text);

}  // namespace nf::ir
