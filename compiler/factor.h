// Low-rank compartments: a compartment whose value is an element-wise
// expression of much smaller values (MSTDPETSynapse's dWeights is a
// difference of two outer products) is kept by compiled code as those small
// values, its factors, and recomputed element by element where a kernel reads
// it, so a step neither writes nor reads the full matrix.
//
// The compartment keeps its storage, which holds the value whenever its
// hidden `form` word is 0: after a write that is not of the low-rank form
// (a reset to 0), at a new state, and after the host writes it. A write of
// the low-rank form stores the factors and sets `form` to 1. The host sees
// the value through the module's `materialize` entry, which computes the
// storage from the factors (neurofuse/module.h).
//
// A process that reads such a compartment before writing it comes in two
// variants: one that reads the factors (run when every such compartment has
// form 1, the steady state) and one that reads the storage (run otherwise,
// after materializing what has form 1). Both compute exactly the
// interpreter's values: a value recomputed from the same factors by the same
// operations is the same bits.
#pragma once

#include <string>
#include <vector>

#include "ir/program.h"

namespace nf::compiler {

// Hidden compartments and processes are named after the public one with a
// '#' (W.dWeights#form), which no model or IR name can contain.
struct FactoredCompartment {
  std::string name;                  // the public compartment
  std::string form;                  // hidden i32[] NAME#form: 1 when the factors hold the value
  std::vector<std::string> factors;  // hidden NAME#factorK: the expression's small operands
  std::string materialize;           // the process NAME#materialize: the value from the factors
};

// A public process: the variant of the same name reads factors and needs
// every compartment of `needs` in form 1; `dense` reads storage instead.
struct ProcessVariants {
  std::string name;
  std::string dense;               // NAME#storage, "" when `needs` is empty (one variant)
  std::vector<std::string> needs;  // factored compartments read before the process writes them
};

// A matrix whose vector-matrix products skip rows of +0 inputs (events.h).
struct EventMatrix {
  std::string name;   // the matrix compartment
  std::string facts;  // hidden i32[]: 0 unchecked, 1 finite, 2 not finite, 3 pinned by the host
  std::string clear;  // hidden i32[1,N]: per column, the elements whose sign bit is clear
  std::string scale;  // "", or an f32[1,1] compartment the products multiply the matrix by
                      // (DenseSynapse's default mask): the facts are those of name * scale
};

struct Factored {
  // The public compartments and processes first, in the input's order, then
  // the hidden compartments, the dense variants and the materializers.
  ir::Program program;
  size_t public_compartments = 0;
  std::vector<FactoredCompartment> compartments;
  std::vector<ProcessVariants> processes;  // one per public process, in order
  std::vector<EventMatrix> events;         // filled by add_event_checks (events.h)
};

// Finds the compartments worth keeping as factors (at least `min_elements`
// elements, every factor together at most half of them) and rewrites the
// processes to keep them so. With none, `program` comes back unchanged. (A
// smaller matrix stays in cache, where its traffic costs little and a
// second variant of each process would only cost compile time.)
Factored factor_low_rank(const ir::Program& program, int64_t min_elements);

// The index of a public compartment, or -1.
int public_index(const Factored& f, const std::string& compartment);

}  // namespace nf::compiler
