// Internal to the runtime: the thread pool behind nf_state_set_threads, the
// host side of the nf_parallel hook of neurofuse/module.h.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "neurofuse/module.h"

namespace nf::runtime {

class Pool {
 public:
  // `threads` in all, the caller's included; loops of fewer than
  // `min_elements` elements run on the caller alone.
  Pool(int threads, int64_t min_elements);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // nf_parallel.run: body(arg, lo, hi) over consecutive ranges covering
  // [0, rows), one range per thread, returning when all are done.
  // The state and the loop's nf_split are for hosts that run ranges in other
  // processes; threads share the block and need neither.
  static void run(void* pool, void (*body)(void*, int64_t, int64_t), void* arg, int64_t rows, int64_t elements,
                  uint8_t* state, const nf_split* split);

  // Whether this process is a fork of the one that started the pool: the
  // child has the pool's memory but not its threads (and its locks may be
  // held forever). Such a pool runs every loop on the caller, and its owner
  // must leak it rather than destroy it.
  bool forked() const;

 private:
  void work(int index);
  void stop();  // wakes and joins the workers

  const uint64_t born_;  // the process's fork count when the pool started
  const int threads_;
  const int64_t min_elements_;
  std::vector<std::thread> workers_;
  // A task is published by bumping generation_ (under mutex_, so a worker
  // about to sleep cannot miss it); workers spin on it for a while before
  // they sleep, and the caller spins on remaining_ likewise, because waking
  // a sleeping core costs a large part of a millisecond step on a virtual
  // machine.
  std::mutex mutex_;
  std::condition_variable start_, done_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> remaining_{0};
  std::atomic<bool> stop_{false};
  void (*body_)(void*, int64_t, int64_t) = nullptr;
  void* arg_ = nullptr;
  int64_t rows_ = 0;
};

}  // namespace nf::runtime
