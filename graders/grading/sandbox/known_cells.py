"""What IPython works out from a released cell's text alone, worked out once, in the zygote.

Before it runs a cell, IPython's shell passes the cell's text through its static input
transformers, which tokenize it to find magics and shell escapes; after it, the display hook
tokenizes the text again to see whether its last expression ends in ``;``. Both depend on the
text alone, and most code cells of a graded notebook are the release's, the same for every
learner. :func:`remember` works both out in the zygote, before it forks, for the release's code
cells, so that each job finds them done; any other text is worked out as IPython always does.

Only the release's cells are known here, what every learner is given: never a hidden test, which
must not reach a process that runs learner code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from IPython.core.displayhook import DisplayHook
from IPython.core.inputtransformer2 import TransformerManager
from IPython.core.interactiveshell import InteractiveShell


def _transformers(manager: TransformerManager) -> tuple[object, ...]:
    """The input transformers in use, which the remembered results are only valid for."""
    return (
        *manager.cleanup_transforms,
        *manager.line_transforms,
        *manager.token_transformers,
    )


def _answered(work: Callable[[str], object], texts: Iterable[str]) -> dict[str, object]:
    """``work``'s answer for each text; a text it fails on fails again when its cell runs."""
    answers = {}
    for text in texts:
        try:
            answers[text] = work(text)
        except Exception:  # the cell reports it when it runs
            continue
    return answers


def remember(shell: InteractiveShell, sources: Iterable[str]) -> None:
    """Have ``shell`` find the transformed text of ``sources``, and whether each ends in a
    semicolon, already worked out, as long as its input transformers stay the same."""
    manager = shell.input_transformer_manager
    transform = manager.transform_cell
    transformed = _answered(transform, sources)
    in_use = _transformers(manager)

    def transform_cell(cell: str) -> str:
        known = transformed.get(cell)
        if known is not None and _transformers(manager) == in_use:
            return known  # type: ignore[return-value]
        return transform(cell)

    manager.transform_cell = transform_cell  # type: ignore[method-assign]
    ends_quiet = _answered(DisplayHook.semicolon_at_end_of_expression, transformed.values())

    def semicolon_at_end_of_expression(expression: str) -> bool:
        known = ends_quiet.get(expression)
        if known is not None:
            return bool(known)
        return DisplayHook.semicolon_at_end_of_expression(expression)

    shell.displayhook.semicolon_at_end_of_expression = semicolon_at_end_of_expression
