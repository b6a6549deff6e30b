"""``bdhvs build``: check the sources, then let nbgrader generate the release versions."""

from __future__ import annotations

from graders.course import Course
from graders.errors import BdhvsError
from graders.sources import scan_assignment


def build(course: Course, assignments: list[str] | None = None) -> list[str]:
    """Validate and release ``assignments`` (all when empty); return the ones built."""
    names = assignments or course.assignments()
    for name in names:
        course.require_assignment(name)
    problems = [p for name in names for p in scan_assignment(course.source_dir, name).problems]
    if problems:
        raise BdhvsError(
            "the sources have problems, nothing was built:\n  " + "\n  ".join(problems)
        )
    api = course.api()
    for name in names:
        result = api.generate_assignment(name, force=True, create=True)
        if not result["success"]:
            detail = result.get("log") or result.get("error") or ""
            raise BdhvsError(f"nbgrader could not generate {name}:\n{_last_lines(detail)}")
    return names


def _last_lines(text: str, count: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-count:])
