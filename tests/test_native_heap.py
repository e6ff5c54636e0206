"""The bound on glibc's heap that keeps a run's memory flat in its handset count."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_the_heap_is_bounded_once_per_process() -> None:
    script = (
        "from robot.native_heap import bound_native_heap\n"
        "print(bound_native_heap(2), bound_native_heap(2))\n"
    )
    bounded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                             check=True)  # fmt: skip
    assert bounded.stdout.split() == ["True", "True"]
