// A persistent pool of std::threads with a dynamically scheduled parallel-for. The calling thread
// takes part in every loop; idle workers spin briefly before sleeping on a condition variable so
// back-to-back kernels do not pay a wake-up each.
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <sched.h>
#endif

#include "common.h"

namespace lamina {
namespace {

thread_local bool inTask = false;

inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

int defaultThreads() {
  const char* env = std::getenv("LAMINA_NUM_THREADS");
  if (env != nullptr && *env != '\0') {
    long v = std::strtol(env, nullptr, 10);
    if (v >= 1 && v <= 1024) return static_cast<int>(v);
  }
#if defined(__linux__)
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    int n = CPU_COUNT(&set);
    if (n >= 1) return n;
  }
#endif
  unsigned hc = std::thread::hardware_concurrency();
  return hc >= 1 ? static_cast<int>(hc) : 1;
}

/*
 * One parallel loop = one Job on the caller's stack. Workers attach to the current job under the
 * mutex (so a job is never freed while a worker holds it) and claim indices from its counter. The
 * caller waits for the indices to be done, not for every worker to show up: a worker that the OS
 * has not scheduled yet simply finds no job, so a busy machine cannot stall a loop.
 */
struct Job {
  const std::function<void(index_t)>* fn;
  index_t total;
  std::atomic<index_t> next{0};
  std::atomic<index_t> done{0};
  int refs = 0;  // attached workers, guarded by the pool's mutex
};

class ThreadPool {
 public:
  explicit ThreadPool(int threads) {
    for (int i = 1; i < threads; i++) {
      workers_.emplace_back([this] { workerLoop(); });
      workers_.back().detach();
    }
  }

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  void run(index_t n, const std::function<void(index_t)>& fn) {
    std::lock_guard<std::mutex> call(callMutex_);
    Job job;
    job.fn = &fn;
    job.total = n;
    {
      std::lock_guard<std::mutex> lk(mutex_);
      current_ = &job;
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    inTask = true;
    runTasks(job);
    inTask = false;
    bool finished = false;
    for (int spin = 0; spin < (1 << 14); spin++) {
      if (job.done.load(std::memory_order_acquire) == n) {
        finished = true;
        break;
      }
      cpuRelax();
    }
    std::unique_lock<std::mutex> lk(mutex_);
    if (!finished) done_.wait(lk, [&] { return job.done.load(std::memory_order_acquire) == n; });
    current_ = nullptr;
    done_.wait(lk, [&] { return job.refs == 0; });
  }

 private:
  void runTasks(Job& job) {
    const index_t total = job.total;
    for (;;) {
      const index_t i = job.next.fetch_add(1, std::memory_order_relaxed);
      if (i >= total) break;
      (*job.fn)(i);
      if (job.done.fetch_add(1, std::memory_order_acq_rel) + 1 == total) {
        std::lock_guard<std::mutex> lk(mutex_);
        done_.notify_all();
      }
    }
  }

  void workerLoop() {
    inTask = true;
    std::uint64_t seen = 0;
    for (;;) {
      bool got = false;
      for (int spin = 0; spin < (1 << 14); spin++) {
        if (generation_.load(std::memory_order_acquire) != seen) {
          got = true;
          break;
        }
        cpuRelax();
      }
      Job* job = nullptr;
      {
        std::unique_lock<std::mutex> lk(mutex_);
        if (!got) wake_.wait(lk, [&] { return generation_.load(std::memory_order_acquire) != seen; });
        seen = generation_.load(std::memory_order_acquire);
        job = current_;
        if (job != nullptr) job->refs++;
      }
      if (job == nullptr) continue;
      runTasks(*job);
      std::lock_guard<std::mutex> lk(mutex_);
      if (--job->refs == 0) done_.notify_all();
    }
  }

  std::vector<std::thread> workers_;
  std::mutex callMutex_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  std::atomic<std::uint64_t> generation_{0};
  Job* current_ = nullptr;
};

ThreadPool& pool() {
  // Never destroyed: detached workers may still be parked on the condition variable at exit.
  static ThreadPool* p = new ThreadPool(defaultThreads());
  return *p;
}

}  // namespace

int numThreads() { return pool().size(); }

void parallelFor(index_t n, const std::function<void(index_t)>& fn) {
  if (n <= 0) return;
  if (n == 1 || inTask || pool().size() == 1) {
    for (index_t i = 0; i < n; i++) fn(i);
    return;
  }
  pool().run(n, fn);
}

}  // namespace lamina
