// `neurofuse run --partition`: one network's loops split over the ranks of
// mpirun. Every rank holds the whole state and runs every process; each
// split loop computes only this rank's range of rows or columns (the ranges
// two threads would get, cut in as many parts as there are ranks), and what
// other ranks read of its outputs is exchanged with MPI_Allgatherv right
// after the loop. A synapse's matrices that are only ever read column by
// column by the loops that write them stay with the ranks that own those
// columns until the host reads them (the module's nf_split tables,
// compiler/partition.h). Every element is computed by one rank, in the order
// one process uses, so the results are the single process's bits.
#pragma once

#include <cstdint>
#include <memory>

#include "neurofuse/runtime.h"

namespace nf::cli {

class Partition {
 public:
  // Starts MPI when a launcher started this process (alone: one rank).
  // Throws nf::Error when this neurofuse was built without MPI.
  static std::unique_ptr<Partition> start();
  virtual ~Partition() = default;

  virtual int rank() const = 0;
  virtual int ranks() const = 0;
  // The hooks to install in the state (nf_state_set_partition).
  virtual nf_partition hooks() = 0;
  // Bytes this rank has sent to others and received from them, and the
  // collective calls made, since it started.
  virtual int64_t bytes_sent() const = 0;
  virtual int64_t bytes_received() const = 0;
  virtual int64_t exchanges() const = 0;
  // The largest of a value over all ranks (the value itself alone).
  virtual int64_t max_over_ranks(int64_t value) const = 0;
  // Stops every rank after an error on this one: an error that the others
  // did not meet would leave them waiting in a collective call forever.
  [[noreturn]] virtual void abort_all(int status) = 0;
};

}  // namespace nf::cli
