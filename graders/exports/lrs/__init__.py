"""Sending ``xapi.jsonl`` to a learning record store (``bdhvs records --lrs URL``).

:mod:`.client` speaks to the LRS's statements resource, :mod:`.ledger` remembers how much of the
file the LRS has confirmed, :mod:`.send` reads the file batch by batch and ties the two together.
"""

DEFAULT_BATCH = 500  # statements a request: half a megabyte, which every LRS takes
