// A fixed set of threads that split one loop at a time (XNNPACK's pthreadpool
// model). The loop is cut into a few contiguous shares; every thread, the
// calling one included, claims shares until none is left, so a worker that
// the system has not scheduled yet costs nothing: the caller takes its share.
// Operators call it once per layer, so a dispatch must cost far less than a
// layer: between loops the workers spin for a while (an invoke's layers
// follow each other within microseconds) and only then sleep on a condition
// variable. In the browser the workers are Emscripten pthreads (Web Workers);
// the calling thread never blocks on a lock, it spins until the shares others
// claimed are done, which the browser's main thread allows.
#pragma once

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

namespace mnw {

class ThreadPool {
 public:
  // `threads` counts the caller: ThreadPool(1) starts no thread and runs
  // every loop inline. Gets fewer when the system refuses a thread (a
  // WebAssembly module whose workers are taken): see threads().
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int threads() const { return threads_; }

  // Calls task(begin, end, thread) on contiguous ranges that together cover
  // [0, units); `thread` in [0, threads()) is the calling thread's index, for
  // its scratch memory: one thread runs one range at a time. Returns when all
  // have finished. Not reentrant: one loop at a time, from one calling thread.
  template <class Task>
  void parallel_for(size_t units, Task&& task) {
    const size_t shares = std::min(units, kSharesPerThread * static_cast<size_t>(threads_));
    if (shares <= 1) {
      if (units > 0) task(size_t{0}, units, 0);
      return;
    }
    run(units, shares, &call<Task>, &task);
  }

 private:
  // More shares than threads, so that the others' shares can move to
  // whichever thread is running.
  static constexpr size_t kSharesPerThread = 2;

  using Trampoline = void (*)(void* task, size_t begin, size_t end, int thread);
  template <class Task>
  static void call(void* task, size_t begin, size_t end, int thread) {
    (*static_cast<Task*>(task))(begin, end, thread);
  }

  void run(size_t units, size_t shares, Trampoline trampoline, void* task);
  // Claims and runs shares of loop `generation` until none is left.
  void work(uint32_t generation, int thread);
  void worker_main(int thread);
  static void* worker_entry(void* start);

  struct WorkerStart {
    ThreadPool* pool;
    int thread;
  };

  int threads_;
  std::vector<WorkerStart> starts_;  // reserved up front: stable addresses
  std::vector<pthread_t> workers_;
  // The current loop: written by the caller before it publishes the loop.
  Trampoline trampoline_ = nullptr;
  void* task_ = nullptr;
  size_t units_ = 0, shares_ = 0;
  uint32_t generation_count_ = 0;  // caller only
  // Loop generation << 32 | next unclaimed share: a claim is one
  // compare-and-swap, and fails for a thread that woke up for an old loop.
  std::atomic<uint64_t> claim_{0};
  std::atomic<size_t> done_{0};  // shares finished in the current loop
  // The generation workers wait for, changed under mutex_ so that a worker
  // about to sleep cannot miss it.
  std::atomic<uint32_t> generation_{0};
  std::atomic<bool> stopping_{false};  // set before the last generation change
  std::mutex mutex_;
  std::condition_variable wake_;
};

}  // namespace mnw
