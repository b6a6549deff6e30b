"""Learner-side package of the Bình dân học vụ số curriculum.

Lesson and assignment notebooks import from here: the competency framework, the
interactive widgets and the small helpers their exercises use.
"""

import sys

# jsonschema checks the "iri" string formats with rfc3987-syntax when that package is installed
# (jupyter_events asks for it), and builds its grammar when jsonschema is imported: a second of
# CPU in every kernel, Voilà page and self-check, against a third of a second for all the rest of
# the curriculum. No schema of the project uses those formats, so the curriculum's processes,
# and every bdhvs command (which imports this package first), leave it out; a process that
# imported it already keeps it.
sys.modules.setdefault("rfc3987_syntax", None)
