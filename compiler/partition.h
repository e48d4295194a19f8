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
  bool exchange = true;
};

struct KernelSplit {
  bool whole = false;  // its outputs cannot be described: run it whole everywhere
  std::vector<SplitOutput> outputs;
};

// Kernels whose iterations split into independent ranges of one axis (rows
// of an element-wise loop; rows of a matmul, or its columns when it has one
// row; columns of a row sweep): each output element is still computed whole,
// in its own order, by one call. The extent of that axis, and an estimate of
// the kernel's work. A kernel calls the host's hook when it is splittable
// and the extent is above 1.
bool splittable(const Kernel& k);
int64_t split_extent(const Kernel& k);
int64_t work_of(const Kernel& k);

// Whether a kernel that calls the host's hook splits along its last axis
// (columns: row sweeps and vector-matrix products) rather than its first.
bool splits_by_columns(const Kernel& kernel);

// For every kernel that calls the host's hook (splittable, more than one row).
std::map<const Kernel*, KernelSplit> describe_splits(const Plan& plan);

}  // namespace nf::compiler
