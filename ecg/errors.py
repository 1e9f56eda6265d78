"""The one exception type for problems a user can cause with their input."""

from __future__ import annotations

import os


class ECGError(ValueError):
    """A file or request the project cannot use; the message names the file and the problem.

    The CLI, the API and the UI turn it into a clear message for the user.
    """

    def __init__(self, source: str | os.PathLike | None, problem: str):
        self.source = os.fspath(source) if source is not None else None
        self.problem = problem
        where = f"{self.source}: " if self.source else ""
        super().__init__(f"{where}{problem}")
