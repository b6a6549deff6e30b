"""Run a piece of Python in a process of its own and measure it: seconds and peak memory.

The seconds count from starting the process to its exit, as someone waiting for the command
sees them: the interpreter's start, the imports and the interpreter's exit included, so both
sides of a comparison pay for what they load. Peak memory is the process's own and, for work
spread over forked processes, the largest of those (pages they share with the process that
forked them count in both).
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

# The peaks are printed at exit, after the work, whether it returns or calls sys.exit.
_PRELUDE = (
    "import atexit, resource, sys, time\n"
    "def _peaks():\n"
    "    print('PEAK_KIB_SELF', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    "    print('PEAK_KIB_WORKERS', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "atexit.register(_peaks)\n"
)


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_kib: int
    child_peak_kib: int
    stdout: str

    def memory(self) -> str:
        """Peak memory for people: the process's, and its largest worker's when it had any."""
        text = f"{self.peak_kib / 1024:6.0f} MiB"
        if self.child_peak_kib:
            text += f" (workers: up to {self.child_peak_kib / 1024:.0f} MiB each)"
        return text


def measured(body: str, args: list[str], what: str, cwd: Path | None = None) -> Measured:
    """Run ``body`` with ``sys.argv[1:] == args``; stop the benchmark if it fails."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", _PRELUDE + body, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"{what} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    peak = int(done.stdout.rsplit("PEAK_KIB_SELF", 1)[1].split()[0])
    child_peak = int(done.stdout.rsplit("PEAK_KIB_WORKERS", 1)[1].split()[0])
    return Measured(seconds, peak, child_peak, done.stdout)


def measured_bdhvs(args: list[str], cwd: Path) -> Measured:
    """``bdhvs ARGS``, measured as the ``bdhvs`` program runs it."""
    return measured("from graders.cli import run\nrun()", args, f"bdhvs {args[0]}", cwd)
