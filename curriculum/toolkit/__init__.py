"""What every module's notebooks use: questions, answers, self-check, progress, simulations,
language."""
