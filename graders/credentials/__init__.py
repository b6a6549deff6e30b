"""Verifiable credentials: Open Badges 3.0 with Data Integrity proofs, certificates, keys."""
