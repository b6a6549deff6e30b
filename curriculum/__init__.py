"""Learner-side package of the Bình dân học vụ số curriculum.

Lesson and assignment notebooks import from here: the competency framework, the
interactive widgets and the small helpers their exercises use.
"""
