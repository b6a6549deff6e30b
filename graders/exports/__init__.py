"""Exports of the competency records for other systems: xAPI statements and CSV for HR."""
