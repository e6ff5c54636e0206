"""Keeping the native heap of a process that reads screens on many threads from growing with them.

Screens are read by a few readers (`robot.reader_pool`), but on whichever handset's thread
asked: OpenCV's and Tesseract's image buffers (a decoded 1080x2400 screenshot is 7.8 MB) are
allocated by glibc from that thread's own arena, up to eight per core, and once a buffer that
size is freed glibc raises its mmap threshold, so the next ones come from arenas too and stay
resident after they are freed. Peak memory then grew with the handset count (24 handsets:
~1.05 GB against ~0.53 GB at 6). Bounding the arenas to the cores and fixing the threshold at
1 MB (large buffers are mapped and given back when freed) keeps it flat. glibc only; the
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
