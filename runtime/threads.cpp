#include "threads.h"

namespace nf::runtime {

Pool::Pool(int threads, int64_t min_elements) : threads_(threads), min_elements_(min_elements) {
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
    void (*body)(void*, int64_t, int64_t);
    void* arg;
    int64_t rows;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      start_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      body = body_;
      arg = arg_;
      rows = rows_;
    }
    int64_t lo = rows * index / threads_, hi = rows * (index + 1) / threads_;
    if (lo < hi) body(arg, lo, hi);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (--remaining_ == 0) done_.notify_one();
    }
  }
}

void Pool::run(void* pool, void (*body)(void*, int64_t, int64_t), void* arg, int64_t rows, int64_t elements) {
  Pool& p = *static_cast<Pool*>(pool);
  if (rows < 2 || elements < p.min_elements_) {  // a pool exists only for two or more threads
    body(arg, 0, rows);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(p.mutex_);
    p.body_ = body;
    p.arg_ = arg;
    p.rows_ = rows;
    p.remaining_ = p.threads_ - 1;
    ++p.generation_;
  }
  p.start_.notify_all();
  int64_t hi = rows / p.threads_;
  if (hi > 0) body(arg, 0, hi);
  std::unique_lock<std::mutex> lock(p.mutex_);
  p.done_.wait(lock, [&] { return p.remaining_ == 0; });
}

}  // namespace nf::runtime
