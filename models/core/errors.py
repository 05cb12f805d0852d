"""The one exception type for user mistakes (bad data, bad priors, bad flags).

The command line turns an ``InputError`` into a single message on stderr and exit
status 2, without a traceback; anything else is a bug and keeps its traceback.
"""


class InputError(ValueError):
    """A user-supplied value is invalid.

    Parameters
    ----------
    field
        Where the bad value lives, as a dotted path or a ``row N, column X`` locator
        (e.g. ``priors.skeptical.logistic.treatment.sd``).
    message
        What is wrong and what is allowed (e.g. ``must be > 0, got -1``).
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field} {message}")
