"""Run a piece of Python in a process of its own and measure it: seconds and peak memory.

The seconds count from the process's first statement, imports included, to the end of the
work, so both sides of a comparison pay for what they load. Peak memory is the process's own
and, for work spread over forked processes, the largest of those (pages they share with the
process that forked them count in both).
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

_PRELUDE = "import resource, sys, time\nstarted = time.monotonic()\n"
_EPILOGUE = (
    "\nprint('SECONDS', time.monotonic() - started)"
    "\nprint('PEAK_KIB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    "\nprint('CHILD_PEAK_KIB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
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
    done = subprocess.run(
        [sys.executable, "-c", _PRELUDE + body + _EPILOGUE, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"{what} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    seconds = float(done.stdout.rsplit("SECONDS", 1)[1].split()[0])
    peak = int(done.stdout.rsplit("\nPEAK_KIB", 1)[1].split()[0])
    child_peak = int(done.stdout.rsplit("CHILD_PEAK_KIB", 1)[1].split()[0])
    return Measured(seconds, peak, child_peak, done.stdout)


def measured_bdhvs(args: list[str], cwd: Path) -> Measured:
    """``bdhvs ARGS``, measured."""
    body = "from graders.cli import main\nif main(sys.argv[1:]):\n    sys.exit(1)"
    return measured(body, args, f"bdhvs {args[0]}", cwd)
