// Keeps the memory of freed tensors in the process. Tensor buffers are allocated and collected at a
// high rate (a ResNet training step creates and drops over a gigabyte of them), and glibc serves
// every block above its mmap threshold (at most 32 MiB) with a fresh mmap: each new buffer then
// costs a page fault and a zeroing per 4 KiB page in the kernel, about a third of a step's time.
// Served from the heap instead, and with freed memory kept rather than trimmed, a buffer reuses
// pages the process already has. Resident memory then stays at the steady-state peak (it does not
// shrink back between steps); LAMINA_MALLOC_TUNING=0 keeps glibc's defaults.
#include <cstdlib>
#include <cstring>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "common.h"

namespace lamina {

bool tuneAllocator() {
#if defined(__GLIBC__)
  const char* env = std::getenv("LAMINA_MALLOC_TUNING");
  if (env != nullptr && std::strcmp(env, "0") == 0) return false;
  // Setting any of these switches off glibc's dynamic thresholds, so all three are set.
  mallopt(M_MMAP_MAX, 0);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_TOP_PAD, 16 << 20);
  return true;
#else
  return false;
#endif
}

}  // namespace lamina
