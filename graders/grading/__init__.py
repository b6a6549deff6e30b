"""Grading: run every submission of a cohort in isolation and score it exactly as nbgrader does."""
