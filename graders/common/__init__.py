"""What every stage uses: errors, forked workers, ordered appends, JSON Schemas, IRIs, and the
list of paths that hold answers."""
