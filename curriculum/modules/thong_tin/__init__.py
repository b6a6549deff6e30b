"""The thong_tin module's own tools for its lesson and assignment."""
