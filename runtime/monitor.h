// Monitors: what a run records about one compartment, after the steps it
// chooses, in bounded memory.
//
// An internal C++ module of the runtime (not part of its C API), shared by the
// runtime's nf_monitor (compiled modules, where the native step loop calls the
// runtime after each step) and by `neurofuse run --backend interp`, so every
// engine records the same bytes. It knows nothing of modules or the IR: it is
// handed a compartment's 4-byte elements after a step and keeps what its
// spec asks for.
//
// Kinds (docs/RECORDING.md):
//   Values  the chosen units' elements, one row per recorded step
//           (f32, i32, or bool stored as one byte like NumPy's);
//   Events  (step, unit) int32 pairs for every nonzero element of the chosen
//           units, in step order, then unit order (units as flat indices of
//           the compartment): Brian2's SpikeMonitor;
//   Sum     per recorded step, the chosen units' elements added in the order
//           given, the running sum starting at the first (IR `sum`
//           semantics): f32 for f32, i32 (wrapping) for i32 and bool (a count);
//           no units gives 0;
//   Mean    f32(sum) / f32(number of units), one rounded division (IR `mean`);
//           no units gives NaN.
// A monitor records after steps start, start + every, ... (steps counted from
// step 0 of the run, as scan's `first`).
//
// Memory. Rows collect in a buffer; with a spool directory, every full buffer
// (kSpoolChunk bytes) is appended to an unnamed file there (O_TMPFILE, or a
// name unlinked at once), so nothing is left behind whatever happens to the
// process, and memory stays bounded however long the run. Without one, rows
// stay in memory (clear() drops them). An events monitor of every unit
// keeps room for a step in which every unit fires (8 bytes a unit).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/npz.h"

namespace nf::monitor {

enum class Kind { Values, Events, Sum, Mean };
// A compartment's element type (module.h's NF_F32, NF_I32, NF_BOOL).
enum class Element { F32, I32, Bool };

struct Spec {
  Kind kind = Kind::Values;
  int64_t every = 1;  // at least 1
  int64_t start = 0;  // at least 0
  bool all_units = true;
  std::vector<int64_t> units;  // flat element indices, when not all_units
};

// The last step at or before `last` that a monitor of `spec` records
// (start + k * every), or -1 when there is none.
inline int64_t last_recorded_step(const Spec& spec, int64_t last) {
  return last < spec.start ? -1 : spec.start + (last - spec.start) / spec.every * spec.every;
}

// The bytes kept in memory before they go to the spool file.
inline constexpr size_t kSpoolChunk = size_t(1) << 20;

// What Monitor's constructor throws for a spec that does not fit the
// compartment, and what every other function throws on failure (a spool file
// that cannot be made, written or read).
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what, bool io = false) : std::runtime_error(what), io_(io) {}
  // A spool file could not be made, written or read (not a bad spec).
  bool io() const { return io_; }

 private:
  bool io_;
};

class Monitor {
 public:
  // `shape`: the compartment's. Throws Error for a unit outside it, an
  // `every` below 1, a negative `start`, events of a compartment with 2^31
  // elements or more, or a spool directory that cannot hold a file.
  Monitor(const Spec& spec, Element element, std::vector<int64_t> shape, std::string spool_directory);
  ~Monitor();
  Monitor(const Monitor&) = delete;
  Monitor& operator=(const Monitor&) = delete;

  const Spec& spec() const { return spec_; }
  bool records_at(int64_t step) const {
    return step >= spec_.start && (spec_.every == 1 || (step - spec_.start) % spec_.every == 0);
  }
  // Events name steps as int32: the last step an events monitor can record.
  static constexpr int64_t kMaxEventStep = INT32_MAX;

  // Records step `step` (records_at(step) must hold) from `words`, the
  // compartment's elements. Throws Error (spool) or std::bad_alloc; what was
  // recorded before stays.
  void observe(int64_t step, const uint32_t* words);

  // Rows so far (events: events), and what one row holds.
  int64_t rows() const { return rows_; }
  int64_t row_elements() const { return row_elements_; }
  npz::DType dtype() const { return dtype_; }
  // The recording's shape: [rows, ...] (Values of all units: the
  // compartment's shape; of some: [rows, units]; Events: [events, 2]; Sum
  // and Mean: [rows]).
  std::vector<int64_t> shape() const;

  // Copies rows [first, first + n) as 4-byte elements (bool as 0/1 words,
  // the runtime's convention). Throws Error for rows outside the recording.
  void read(int64_t first, int64_t n, uint32_t* out) const;
  // Forgets every row (and truncates the spool file).
  void clear();
  // The recording as an archive entry; valid while the monitor lives and
  // records nothing more.
  npz::StreamedEntry entry(const std::string& name) const;

 private:
  // Room for `bytes` more after the buffer's end (written, then committed
  // by growing size_).
  uint8_t* room(size_t bytes);
  void flush();
  void read_bytes(uint64_t offset, uint64_t n, uint8_t* out) const;

  Spec spec_;
  Element element_;
  std::vector<int64_t> shape_;
  std::string spool_directory_;
  npz::DType dtype_;
  int64_t row_elements_ = 0;
  size_t stored_size_ = 4;  // bytes per stored element
  uint64_t row_bytes_ = 4;
  std::unique_ptr<uint8_t[]> buffer_;  // rows not yet spooled: size_ bytes of capacity_
  size_t size_ = 0, capacity_ = 0;
  int spool_fd_ = -1;
  uint64_t spooled_ = 0;  // bytes in the spool file
  int64_t rows_ = 0;
  int64_t count_ = 0;        // the compartment's elements
};

}  // namespace nf::monitor
