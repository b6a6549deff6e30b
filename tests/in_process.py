"""Run the ``bdhvs`` command inside the test process: same parser and handlers, no start-up.

Starting the console command costs seconds of imports; tests that check many invocations run
it here, and keep a few runs of the real command for the end-to-end path.
"""

from __future__ import annotations

import subprocess

import pytest

from graders.cli import main


def run_in_process(
    capsys: pytest.CaptureFixture[str], *args: str
) -> subprocess.CompletedProcess[str]:
    try:
        code = main(list(args))
    except SystemExit as exc:  # the argument parser refused the arguments
        code = exc.code
    captured = capsys.readouterr()
    return subprocess.CompletedProcess(list(args), code, captured.out, captured.err)
