"""The lap_trinh module's own tools for its lesson."""
