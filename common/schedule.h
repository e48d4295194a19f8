// Schedules: processes that run at some steps of a run rather than every
// step (a reset before each episode, an evolve after each window), split
// into the plain segments of steps between them. The runtime's
// nf_state_scan_scheduled and the reference interpreter's run both walk the
// same segments, so they run the same processes at the same steps.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

namespace nf::schedule {

// One scheduled process (by its index in the caller's list), run every
// `period` steps, counted by the step index from the start of the run (so a
// run split into pieces runs them at the same steps): `at_start` before steps
// 0, period, 2 * period, ... (before that step's drives), else after steps
// period - 1, 2 * period - 1, ... (after that step's records). period 0
// (with at_start) means once, before step 0.
struct Entry {
  int64_t period = 0;
  bool at_start = true;
};

// Walks steps [first, first + steps): calls `scheduled(i, k)` for each entry
// i that fires at step k (in list order; the ones at a step's start before
// its segment, the ones at its end after) and `segment(k0, n)` for each run
// of n >= 1 plain steps from k0. Entries have period > 0, or period 0 with
// at_start.
inline void walk(const std::vector<Entry>& entries, int64_t first, int64_t steps,
                 const std::function<void(size_t, int64_t)>& scheduled,
                 const std::function<void(int64_t, int64_t)>& segment) {
  auto starts_at = [&](const Entry& e, int64_t k) { return e.at_start && (e.period ? k % e.period == 0 : k == 0); };
  auto ends_at = [&](const Entry& e, int64_t k) { return !e.at_start && e.period && (k + 1) % e.period == 0; };
  const int64_t end = first + steps;
  for (int64_t k = first; k < end;) {
    for (size_t i = 0; i < entries.size(); ++i)
      if (starts_at(entries[i], k)) scheduled(i, k);
    // The segment runs to the first step after which an entry fires, or
    // before which one fires.
    int64_t stop = end;
    for (const Entry& e : entries) {
      if (e.at_start) {
        int64_t next = e.period ? (k / e.period + 1) * e.period : end;
        stop = std::min(stop, next);
      } else if (e.period) {
        stop = std::min(stop, (k / e.period + 1) * e.period);  // after step (k / period + 1) * period - 1
      }
    }
    segment(k, stop - k);
    for (size_t i = 0; i < entries.size(); ++i)
      if (ends_at(entries[i], stop - 1)) scheduled(i, stop - 1);
    k = stop;
  }
}

}  // namespace nf::schedule
