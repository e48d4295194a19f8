#include "threads.h"

#include <pthread.h>

#include <chrono>

#include "common/split.h"

namespace nf::runtime {

namespace {

// How long a worker waits for the next task, and the caller for the
// workers, spinning before it sleeps: long enough to span the gap between
// the split loops of consecutive steps, short enough that an idle state's
// workers soon stop using their cores.
constexpr std::chrono::microseconds kSpin{500};

// Spins until `ready()` or kSpin has passed; true if ready.
template <class Ready>
bool spin_until(Ready ready) {
  const auto give_up = std::chrono::steady_clock::now() + kSpin;
  for (int k = 0;; ++k) {
    if (ready()) return true;
    if (k % 64 == 63) {
      if (std::chrono::steady_clock::now() > give_up) return false;
      std::this_thread::yield();  // gives way to another runnable thread on this core
    }
  }
}

// Forks of this process so far (counted in the child), so a pool can tell
// that its threads stayed behind in the parent.
std::atomic<uint64_t> forks{0};
uint64_t fork_count() {
  static const bool counted = pthread_atfork(nullptr, nullptr, [] { forks.fetch_add(1); }) == 0;
  (void)counted;
  return forks.load(std::memory_order_relaxed);
}

}  // namespace

bool Pool::forked() const { return forks.load(std::memory_order_relaxed) != born_; }

Pool::Pool(int threads, int64_t min_elements) : born_(fork_count()), threads_(threads), min_elements_(min_elements) {
  try {
    for (int k = 1; k < threads_; ++k) workers_.emplace_back([this, k] { work(k); });
  } catch (...) {
    stop();  // the destructor does not run for a pool that failed to start
    throw;
  }
}

Pool::~Pool() { stop(); }

void Pool::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  start_.notify_all();
  for (std::thread& t : workers_) t.join();
}

// Worker k runs range k of every task it is woken for.
void Pool::work(int index) {
  uint64_t seen = 0;
  while (true) {
    auto published = [&] { return stop_.load(std::memory_order_acquire) || generation_.load(std::memory_order_acquire) != seen; };
    if (!spin_until(published)) {
      std::unique_lock<std::mutex> lock(mutex_);
      start_.wait(lock, published);
    }
    if (stop_.load(std::memory_order_acquire)) return;
    seen = generation_.load(std::memory_order_acquire);
    // The task's fields were written before generation_ moved on, and stay
    // until every worker has counted itself done.
    const int64_t rows = rows_;
    const int64_t lo = split_point(rows, index, threads_), hi = split_point(rows, index + 1, threads_);
    if (lo < hi) body_(arg_, lo, hi);
    if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard<std::mutex> lock(mutex_);  // the caller may be about to sleep
      done_.notify_one();
    }
  }
}

void Pool::run(void* pool, void (*body)(void*, int64_t, int64_t), void* arg, int64_t rows, int64_t elements, uint8_t*,
               const nf_split*) {
  Pool& p = *static_cast<Pool*>(pool);
  if (rows < 2 || elements < p.min_elements_ || p.forked()) {  // a pool exists only for two or more threads
    body(arg, 0, rows);
    return;
  }
  p.body_ = body;
  p.arg_ = arg;
  p.rows_ = rows;
  p.remaining_.store(p.threads_ - 1, std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(p.mutex_);
    p.generation_.fetch_add(1, std::memory_order_release);
  }
  p.start_.notify_all();
  const int64_t hi = split_point(rows, 1, p.threads_);
  if (hi > 0) body(arg, 0, hi);
  auto finished = [&] { return p.remaining_.load(std::memory_order_acquire) == 0; };
  if (!spin_until(finished)) {
    std::unique_lock<std::mutex> lock(p.mutex_);
    p.done_.wait(lock, finished);
  }
}

}  // namespace nf::runtime
