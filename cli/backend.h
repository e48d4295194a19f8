// The engines `neurofuse run` can step a model with: the reference
// interpreter, the JIT, or an AOT module loaded with dlopen. All three start
// from the same state (initial values, the initialize process, the seed) and
// take the same inputs.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/schedule.h"
#include "ir/program.h"
#include "ir/tensor.h"
#include "runtime/monitor.h"
#include "runtime/npz.h"
#include "neurofuse/runtime.h"

namespace nf::cli {

// Per-step rows from a caller buffer into a compartment: `steps` rows of
// the compartment's 4-byte elements.
struct Stream {
  std::string compartment;
  uint32_t* words;
};

// A process run at some steps only (nf_scheduled of neurofuse/runtime.h).
struct Scheduled {
  std::string process;
  schedule::Entry when;
};

class Backend {
 public:
  virtual ~Backend() = default;
  // Runs steps first .. first + steps - 1 of a run that starts at t0: before
  // each, the drives' rows are written to their compartments; then the
  // processes run in order with the step's t (ir::step_time); after each, the
  // monitors record. Compiled backends do all of it in native code (nf_scan).
  // `scheduled` processes run at their steps (common/schedule.h).
  virtual void run(const std::vector<std::string>& processes, const std::vector<Scheduled>& scheduled, double t0,
                   double dt, int64_t first, int64_t steps, const std::vector<Stream>& drives) = 0;
  virtual ir::Tensor get(const std::string& compartment) = 0;

  // Monitors (runtime/monitor.h), numbered in the order added: one of
  // compartment or alias `name`, its rows spooled to `spool_directory`
  // (empty: kept in memory); its rows so far; rows [first, first + n) as
  // 4-byte words; and all of them written to an .npz under `names`.
  virtual void add_monitor(const std::string& name, const monitor::Spec& spec, const std::string& spool_directory) = 0;
  virtual int64_t monitor_rows(size_t monitor) = 0;
  virtual void read_monitor(size_t monitor, int64_t first, int64_t n, uint32_t* out) = 0;
  virtual void save_monitors(const std::string& path, const std::vector<std::string>& names) = 0;
  // Stops and forgets every monitor (the next added is number 0).
  virtual void remove_monitors() = 0;
  virtual void set(const std::string& compartment, const ir::Tensor& value) = 0;
  virtual void set_param(const std::string& name, double value) = 0;
  virtual double get_param(const std::string& name) = 0;
  virtual void step(const std::string& process, double t, double dt) = 0;
  // Checkpoints (runtime.h): the whole state to or from an .npz, and one
  // compartment from an .npy.
  virtual void load_state(const std::string& path) = 0;
  virtual void save_state(const std::string& path) = 0;
  virtual void load_compartment(const std::string& compartment, const std::string& path) = 0;
};

struct BackendOptions {
  std::string kind = "jit";  // interp, jit or aot
  uint64_t seed = 0;
  int opt_level = 2;
  // jit: start on unoptimized code while the optimized build is made
  // (compiler/jit.h, tiered compilation).
  bool tiered = true;
  // jit, aot: the state's steps split over MPI ranks (nf_state_set_partition).
  const nf_partition* partition = nullptr;
};

// The NumPy dtype of a compartment's, and a tensor as a NumPy array (bool
// elements as bytes), the encoding checkpoints and recordings use.
npz::DType npz_dtype(ir::DType d);
npz::Array array_of(const ir::Tensor& t);

// Throws nf::Error for an unknown kind or a failed compilation.
std::unique_ptr<Backend> make_backend(const ir::Program& program, const BackendOptions& options);

}  // namespace nf::cli
