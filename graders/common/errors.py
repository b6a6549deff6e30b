"""The one error type the command line turns into a clear message instead of a traceback."""


class BdhvsError(Exception):
    """A problem the user can fix: bad arguments, a missing course, invalid sources."""
