"""The tap_huan_vien module's own tools for its lesson and assignment."""
