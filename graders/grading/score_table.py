"""Every automatic score of an assignment as the gradebook holds it, for side-by-side checks.

``bench/grade.py`` and the tests compare two gradings with it: same learners, same grade cells,
same scores and late penalties.
"""

from __future__ import annotations

from nbgrader.api import Gradebook

from graders.course.directory import Course


def score_table(course: Course, assignment: str) -> dict[str, dict[str, float | None]]:
    """learner -> every grade cell's auto score, the submission's score and late penalty."""
    table = {}
    with Gradebook(course.db_url) as gradebook:
        for submission in gradebook.assignment_submissions(assignment):
            row: dict[str, float | None] = {
                "score": submission.score,
                "late_penalty": submission.late_submission_penalty,
            }
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    row[f"{notebook.name}/{grade.name}"] = grade.auto_score
            table[submission.student.id] = row
    return table
