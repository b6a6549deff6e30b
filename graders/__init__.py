"""Instructor-side package: the ``bdhvs`` command and the steps it runs on an nbgrader course."""
