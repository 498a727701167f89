#include "parallel/thread_pool.hpp"

#include <chrono>

namespace mnw {
namespace {

// How long an idle worker keeps polling before it sleeps: long enough to
// bridge the gap between two layers (and between invokes in a benchmark
// loop), short enough not to burn a core after the last classification.
constexpr auto kSpinTime = std::chrono::milliseconds(5);

void relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

}  // namespace

ThreadPool::ThreadPool(int threads) : threads_(std::max(threads, 1)) {
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
  threads_ = 1;  // a WebAssembly build without threads cannot start any
#endif
  // pthreads rather than std::thread: a refused thread is a smaller pool,
  // not an exception (the browser module is built without them).
  starts_.reserve(static_cast<size_t>(threads_ - 1));
  for (int t = 1; t < threads_; ++t) {
    starts_.push_back({this, t});
    pthread_t worker;
    if (pthread_create(&worker, nullptr, &ThreadPool::worker_entry, &starts_.back()) != 0) break;
    workers_.push_back(worker);
  }
  threads_ = static_cast<int>(workers_.size()) + 1;
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_.store(true, std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  for (pthread_t w : workers_) pthread_join(w, nullptr);
}

void* ThreadPool::worker_entry(void* start) {
  const auto* s = static_cast<WorkerStart*>(start);
  s->pool->worker_main(s->thread);
  return nullptr;
}

void ThreadPool::work(uint32_t generation, int thread) {
  uint64_t claim = claim_.load(std::memory_order_acquire);
  for (;;) {
    if (static_cast<uint32_t>(claim >> 32) != generation) return;
    const size_t share = static_cast<uint32_t>(claim);
    if (share >= shares_) return;
    if (!claim_.compare_exchange_weak(claim, claim + 1, std::memory_order_acq_rel, std::memory_order_acquire)) {
      continue;
    }
    trampoline_(task_, units_ * share / shares_, units_ * (share + 1) / shares_, thread);
    done_.fetch_add(1, std::memory_order_release);
    claim = claim_.load(std::memory_order_acquire);
  }
}

void ThreadPool::run(size_t units, size_t shares, Trampoline trampoline, void* task) {
  trampoline_ = trampoline;
  task_ = task;
  units_ = units;
  shares_ = shares;
  done_.store(0, std::memory_order_relaxed);
  const uint32_t generation = ++generation_count_;
  claim_.store(static_cast<uint64_t>(generation) << 32, std::memory_order_release);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    generation_.store(generation, std::memory_order_release);
  }
  wake_.notify_all();
  work(generation, 0);
  while (done_.load(std::memory_order_acquire) != shares) relax();
}

void ThreadPool::worker_main(int thread) {
  uint32_t seen = 0;
  for (;;) {
    uint32_t now = generation_.load(std::memory_order_acquire);
    if (now == seen) {
      const auto deadline = std::chrono::steady_clock::now() + kSpinTime;
      for (unsigned spins = 0; now == seen; ++spins) {
        relax();
        now = generation_.load(std::memory_order_acquire);
        // The clock is read now and then: it costs more than a poll.
        if (now == seen && spins % 1024 == 1023 && std::chrono::steady_clock::now() > deadline) {
          std::unique_lock<std::mutex> lock(mutex_);
          wake_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
          now = generation_.load(std::memory_order_acquire);
        }
      }
    }
    seen = now;
    if (stopping_.load(std::memory_order_relaxed)) return;
    work(now, thread);
  }
}

}  // namespace mnw
