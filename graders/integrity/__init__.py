"""What an auditor wants to see: near-identical work, fast completions, grades changed by hand."""
