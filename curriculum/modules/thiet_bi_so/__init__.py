"""The thiet_bi_so module's own tools for its lesson and assignment."""
