"""Grading engines: what runs a cohort's notebooks and writes nbgrader's grades."""
