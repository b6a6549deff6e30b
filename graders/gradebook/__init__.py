"""All access to the gradebook's database: connections, scores, submission times, kept attempts."""
