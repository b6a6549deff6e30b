"""JupyterHub for training sessions: roles and cohorts, the spawner, the exchange, cohort setup."""
