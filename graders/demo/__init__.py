"""The whole chain on a synthetic cohort: learners, their submissions and an instructor."""
