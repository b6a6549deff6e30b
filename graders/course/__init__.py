"""A cohort's course: its folder, the assignment sources and their build, the roster, coverage."""
