"""Keeping the native heap of a process that handles screenshots on many threads from growing
with them.

Every handset's thread carries its screenshots (the Appium reply's base64 text and the PNG
bytes, megabytes each) and, before reads moved to reader processes (`robot.reader_process`),
decoded and read them there too. glibc allocates such buffers from the asking thread's own
arena, up to eight per core, and once a buffer that size is freed it raises its mmap threshold,
so the next ones come from arenas too and stay resident after they are freed. Peak memory then
grew with the handset count (24 handsets: ~1.05 GB against ~0.53 GB at 6, reads in-process).
Bounding the arenas to the cores and fixing the threshold at 1 MB (large buffers are mapped and
given back when freed) keeps the heap from growing with the threads. glibc only; the
MALLOC_ARENA_MAX and MALLOC_MMAP_THRESHOLD_ environment variables, when set, win.
"""

from __future__ import annotations

import ctypes
import os
import threading

M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
MMAP_THRESHOLD_BYTES = 1 << 20

_lock = threading.Lock()
_done = False


def bound_native_heap(cores: int) -> bool:
    """Bound glibc's arenas to `cores` (at least 2) and fix its mmap threshold, once per
    process; False where there is no glibc `mallopt` or it refused."""
    global _done
    with _lock:
        if _done:
            return True
        try:
            mallopt = ctypes.CDLL(None).mallopt
        except (OSError, AttributeError):  # not glibc (macOS, musl)
            return False
        mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        mallopt.restype = ctypes.c_int
        ok = True
        if "MALLOC_ARENA_MAX" not in os.environ:
            ok = mallopt(M_ARENA_MAX, max(2, cores)) == 1 and ok
        if "MALLOC_MMAP_THRESHOLD_" not in os.environ:
            ok = mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) == 1 and ok
        _done = ok
        return ok
