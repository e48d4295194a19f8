// MPI for a program that also runs alone: MPI starts only when a launcher
// (mpirun, srun) started this process as one of its ranks, and finishes
// when the session ends. Started alone, the program is rank 0 of 1 without
// MPI's start-up. Include only where MPI is built in (NF_HAVE_MPI).
#pragma once

#include <cstdlib>

// MPI's C API only (OpenMPI's and MPICH's mpi.h add deprecated C++ bindings
// for C++ otherwise).
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

namespace nf {

// Whether a launcher started this process as one of its ranks: OpenMPI's
// mpirun, PMI and PMIx launchers (MPICH's, Slurm's) set these.
inline bool launched_by_mpi() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
    if (std::getenv(v)) return true;
  return false;
}

class MpiSession {
 public:
  MpiSession() : active_(launched_by_mpi()) {
    if (!active_) return;
    MPI_Init(nullptr, nullptr);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks_);
  }
  ~MpiSession() {
    if (active_) MPI_Finalize();
  }
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  bool active() const { return active_; }
  int rank() const { return rank_; }
  int ranks() const { return ranks_; }

 private:
  bool active_;
  int rank_ = 0, ranks_ = 1;
};

}  // namespace nf
