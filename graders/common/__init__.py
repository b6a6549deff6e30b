"""What every stage uses: errors, forked workers, ordered appends, JSON Schemas, IRIs."""
