"""Simulated Vietnamese apps for tasks done by tapping: one app per file, each an AppTask."""
