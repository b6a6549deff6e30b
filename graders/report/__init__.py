"""The cohort report: one self-contained HTML file with plots, that opens offline."""
