"""The sandbox: warm, isolated processes that run a submission's cells one at a time."""
