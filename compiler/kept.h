// How compiled code keeps compartments: what the lowering stages add to a
// program (ir/program.h's hidden compartments and process variants), read
// back from the program as tables for code generation.
//
// Two words of state describe a kept compartment. Their values are listed
// here and nowhere else; compiled code reads and writes them, the module's
// entry points (neurofuse/module.h: materialize, invalidate, share) change
// them for the host, and no host writes them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/program.h"

namespace nf::compiler {

// A factored compartment's form word (factor.h).
enum class FormWord : int32_t {
  Storage = 0,  // the storage holds the value
  Factors = 1,  // the factors hold the value; the storage is stale
  Shared = 2,   // the host holds a pointer to the storage: every step reads the storage and leaves it current
};

// An event matrix's facts word (events.h).
enum class FactsWord : int32_t {
  Unchecked = 0,  // the matrix changed since it was last checked
  Finite = 1,     // every element finite; the clear counts hold
  NotFinite = 2,  // some element is not finite: products read every row
  Shared = 3,     // the host holds a pointer to the storage: products read every row
};

inline ir::Literal word(FormWord w) { return ir::Literal::i32(int32_t(w)); }
inline ir::Literal word(FactsWord w) { return ir::Literal::i32(int32_t(w)); }

// A compartment kept as the factors of a low-rank value (factor.h).
struct FactoredCompartment {
  std::string name;                  // the public compartment
  std::string form;                  // its hidden form word
  std::vector<std::string> factors;  // its hidden factors, in order
  std::string materialize;           // the process computing the value from the factors
};

// A public process, and its variant reading storage (factor.h).
struct ProcessVariants {
  std::string name;
  std::string dense;               // its storage variant, "" when it has none
  std::vector<std::string> needs;  // the factored compartments the variant is for
};

// A matrix whose vector-matrix products skip rows of +0 inputs (events.h).
struct EventMatrix {
  std::string name;   // the matrix compartment
  std::string facts;  // hidden i32[]: a FactsWord
  std::string clear;  // hidden i32[1,N]: per column, the elements whose sign bit is clear
  std::string scale;  // "", or an f32[1,1] compartment the products multiply the matrix by
                      // (DenseSynapse's default mask): the facts are those of name * scale
};

// A lowered program, and the tables of what its hidden compartments and
// process variants say.
struct KeptProgram {
  ir::Program program;
  size_t public_compartments = 0;  // the model's own compartments come first
  std::vector<FactoredCompartment> compartments;
  std::vector<ProcessVariants> processes;  // one per public process, in order
  std::vector<EventMatrix> events;
};

// The tables of a verified program (the hidden compartments' partners exist).
KeptProgram describe_kept(ir::Program program);

// The index of a public compartment, or -1.
int public_index(const KeptProgram& f, const std::string& compartment);

}  // namespace nf::compiler
