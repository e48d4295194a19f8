// What each split loop writes, for hosts that run a loop's ranges in
// separate processes (neurofuse/module.h, nf_split): where each output's
// elements lie for a split index, and whether the other processes need them
// after the loop.
//
// A partitioned host keeps every process's state whole but computes only its
// own range of each split loop; loops that are not split run everywhere on
// the same inputs and give the same bits. After a split loop, an output is
// exchanged unless it is a matrix written column by column that every reader
// in every process also reads only in its own columns (a synapse's weights,
// traces of eligibility, dWeights, updated and read by one row sweep): those
// stay with the process that owns the columns until the host reads them.
#pragma once

#include <map>
#include <vector>

#include "compiler/plan.h"

namespace nf::compiler {

struct SplitOutput {
  int64_t offset = 0;  // bytes from the start of the state block
  int64_t blocks = 1, stride = 0, unit = 0;
  int64_t copied_to = -1;  // where the process copies it at its end (same shape), or -1
  bool exchange = true;
};

struct KernelSplit {
  bool whole = false;  // its outputs cannot be described: run it whole everywhere
  std::vector<SplitOutput> outputs;
};

// Kernels whose iterations split into independent ranges of one axis: each
// output element is still computed whole, in its own order, by one call.
// The axis is the first (rows) or, with Kernel::split_columns, the last
// (columns: the post-synaptic units). The extent of that axis, and an
// estimate of the kernel's work. A kernel calls the host's hook when it is
// splittable and the extent is above 1.
bool splittable(const Kernel& k);
int64_t split_extent(const Kernel& k);
int64_t work_of(const Kernel& k);
inline bool splits_by_columns(const Kernel& k) { return k.split_columns; }

// Sets each kernel's split axis. By columns: row sweeps, vector-matrix
// products, sparse products, element-wise loops over [1,N] (a population's
// units), and element-wise loops over a matrix that a loop split by columns
// also reads (a synapse's evolve, its initializers and its reset), so that
// the matrix is split the same way in every process. By rows: the others.
void choose_split_axes(Plan& plan);

// For every kernel that calls the host's hook (splittable, more than one row).
std::map<const Kernel*, KernelSplit> describe_splits(const Plan& plan);

}  // namespace nf::compiler
