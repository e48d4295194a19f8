// How a loop of `rows` split indices is shared among `parts` workers, the
// same for the threads of one state (runtime/threads.cpp) and the ranks of a
// partitioned run (cli/partition.cpp): where part k's range starts.
#pragma once

#include <cstdint>

namespace nf {

// An even share, rounded down to a multiple of 16 rows when each share holds
// at least 16. A row sweep is split by columns, so two workers write the
// same matrix rows side by side; a split on a 16-float (64-byte) boundary
// keeps them off each other's cache lines.
inline int64_t split_point(int64_t rows, int k, int parts) {
  const int64_t even = rows * k / parts;
  if (k == parts || rows / parts < 16) return even;
  return even / 16 * 16;
}

}  // namespace nf
