"""The ``bdhvs`` verbs, one file each; ``graders.cli`` wires them into one command."""
