"""The an_toan_so module's own tools for its lesson and assignment."""
