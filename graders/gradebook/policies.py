"""Which of a learner's graded attempts counts, by name: a module of its own, with no imports,
because every ``bdhvs`` command offers the names (``--attempts``) before it reads anything."""

#: ``latest``: nbgrader's, the one the gradebook holds; ``best``: the one with the most points.
#: :func:`graders.gradebook.attempts.choose` applies them.
ATTEMPT_POLICIES = ("latest", "best")
