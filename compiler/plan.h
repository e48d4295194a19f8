// The kernel plan: how each process is cut into loops.
//
// Planning works on one process at a time, of the forwarded stage
// (forward.h), where every read means "the value at the start of the
// process":
//  1. Materialization: a value is stored to memory when it cannot be computed
//     element by element inside its consumer's loop (matmuls with an inner
//     dimension above 1, reductions, concatenations), when a larger loop would
//     otherwise recompute it for every element it is broadcast to (so
//     exp(-dt/tau) is computed once per step), and when it is written to a
//     compartment. Everything else is fused: computed in registers inside the
//     loop of the value that needs it.
//  2. Kernels: materialized values become the outputs of kernels; consecutive
//     element-wise outputs over the same shape share one loop (so
//     MSTDPETSynapse's evolve reads and writes each of its matrices once).
//     A vector-matrix product [1,K] @ [K,N] reads its matrix in the order of
//     a loop over [K,N], row by row: it joins a later element-wise loop over
//     [K,N] that does not need it (the last one reading what the matrix
//     reads, else the last one; loops that need it move after), so a
//     synapse's transform and its update read the weights in one pass.
//  3. Writes: a compartment is updated in place when no later kernel reads its
//     old value and its own kernel reads the old value only at the element it
//     writes; otherwise the new value goes to scratch and is copied at the end.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/kept.h"
#include "compiler/layout.h"
#include "ir/program.h"

namespace nf::compiler {

// A place a kernel reads or writes: a compartment, or a region of scratch.
struct Buffer {
  bool scratch = false;
  std::string compartment;  // when !scratch
  int64_t offset = 0;       // when scratch: bytes from the scratch start
};

// RowSweep: an element-wise loop over [K,N] that also accumulates one or more
// [1,K] @ [K,N] products, row k of the matrix added to every output at
// iteration k (so each output still sums k in ascending order).
// Sparse: one sparse_matmul or gather over a connectivity (ir/connectivity.h),
// its operands computed where the connections need them.
enum class KernelKind { Elementwise, MatMul, Reduce, Concat, RowSweep, Sparse };

struct KernelOutput {
  const ir::Node* node;
  Buffer dest;
};

struct Kernel {
  KernelKind kind = KernelKind::Elementwise;
  ir::Shape domain;                    // the loop nest's iteration space
  std::vector<KernelOutput> outputs;   // stored by this kernel, in order
  std::vector<const ir::Node*> fused;  // computed in registers inside the loop
  std::vector<std::string> reads;      // compartments loaded (sorted, unique)
  std::vector<const ir::Node*> swept;  // RowSweep: the outputs that are row-swept products
  std::optional<EventMatrix> events;   // MatMul [1,K] @ [K,N] of this matrix: rows of +0 inputs skipped (events.h)
  bool split_columns = false;          // its ranges are ranges of the domain's last axis (partition.h)
};

struct Copy {
  Buffer from;
  std::string to;  // compartment
};

struct ProcessPlan {
  std::string name;
  std::vector<Kernel> kernels;
  std::vector<Copy> copies;                            // after the kernels, in order
  std::map<const ir::Node*, Buffer> materialized;      // where stored values live
  int64_t scratch_bytes = 0;
};

struct Plan {
  Layout layout;
  std::vector<ProcessPlan> processes;
  std::vector<EventMatrix> events;  // the matrices whose products may skip rows
  std::map<std::string, std::shared_ptr<const ir::ConnectivityTables>> connectivities;  // by name
};

Plan plan_program(const ir::Program& program, const std::vector<EventMatrix>& events = {});

// Matrix products by shape: an outer product ([M,1] @ [1,N]) is computed
// element by element; a vector-matrix product ([1,K] @ [K,N], K > 1) reads
// its matrix row by row (row sweeps, event-driven products).
bool is_outer_product(const ir::Node& matmul);
bool is_vector_matrix(const ir::Node& matmul);

// The plan as text: per process, each kernel's kind, loop shape, outputs,
// fused operations and the compartments it reads and writes.
std::string print_plan(const ir::Program& program, const Plan& plan);

}  // namespace nf::compiler
