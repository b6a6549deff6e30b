"""The zygote works out once what IPython derives from a released cell's text, and each job
finds it done, with the same result IPython itself gives.

Each test drives a real IPython shell in a process of its own, as the zygote does (the shell is
a process-wide singleton that changes ``input()``).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

RELEASED = [
    "x = 1\n%time y = 2\nx + y",
    "!echo hello",
    "files = !ls\nlen(files);",
    "print('no magic here')",
    "1 + 1;",
    "def f(:\n    pass",  # a syntax error IPython reports when the cell runs
]

SETUP = f"""
import json, sys
from IPython.core import inputtransformer2
from IPython.core.displayhook import DisplayHook
from graders.grading.sandbox import capture, known_cells

RELEASED = {RELEASED!r}
shell = capture.make_shell()
manager = shell.input_transformer_manager
ipython_says = {{source: manager.transform_cell(source) for source in RELEASED[:-1]}}
ends_quiet = {{t: DisplayHook.semicolon_at_end_of_expression(t) for t in ipython_says.values()}}
known_cells.remember(shell, RELEASED)
"""


def run(body: str) -> dict:
    code = SETUP + textwrap.dedent(body)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_released_cells_are_transformed_as_ipython_does_without_tokenizing_them_again():
    result = run(
        """
        def no_tokenizing(*args, **kwargs):
            raise RuntimeError("tokenized again")
        inputtransformer2.make_tokens_by_line = no_tokenizing
        same = all(manager.transform_cell(s) == t for s, t in ipython_says.items())
        try:
            manager.transform_cell("z = 3\\n%time z")
            other = "worked out from cache"
        except RuntimeError as error:
            other = str(error)
        print(json.dumps({"same": same, "other": other}))
        """
    )
    assert result == {"same": True, "other": "tokenized again"}


def test_a_transformer_added_after_the_zygote_worked_them_out_applies_to_released_cells():
    result = run(
        """
        def shout(lines):
            return [line.replace("hello", "HELLO") for line in lines]
        manager.line_transforms.append(shout)
        print(json.dumps({"text": manager.transform_cell("!echo hello")}))
        """
    )
    assert "HELLO" in result["text"]


def test_a_trailing_semicolon_is_found_as_ipython_finds_it_without_tokenizing_again():
    result = run(
        """
        import tokenize
        hook = shell.displayhook
        def no_tokenizing(*args, **kwargs):
            raise RuntimeError("tokenized again")
        tokenize.generate_tokens = no_tokenizing
        same = all(hook.semicolon_at_end_of_expression(t) == q for t, q in ends_quiet.items())
        print(json.dumps({"same": same, "quiet": sorted(t for t, q in ends_quiet.items() if q)}))
        """
    )
    assert result["same"] is True
    assert result["quiet"] == ["1 + 1;\n", "files = get_ipython().getoutput('ls')\nlen(files);\n"]


def test_a_released_cell_runs_as_it_would_without_the_zygotes_work():
    result = run(
        """
        shell.run_cell("x = 1\\n%time y = 2\\nx + y", store_history=True)
        failed = shell.run_cell("def f(:\\n    pass", store_history=True)
        print(json.dumps({
            "y": shell.user_ns.get("y"),
            "error": type(failed.error_in_exec or failed.error_before_exec).__name__,
        }))
        """
    )
    assert result == {"y": 2, "error": "SyntaxError"}
