"""Small helpers the readers share: short texts for library exceptions, names for unnamed leads."""

from __future__ import annotations

from ecg.leads import STANDARD_LEADS

# Long library messages (whole headers, array reprs) are cut to this many characters.
MAX_DESCRIPTION_CHARS = 200


def describe_exception(exc: BaseException) -> str:
    """"TypeName: first line of the message", short enough for a user-facing error."""
    text = str(exc).strip()
    first_line = text.splitlines()[0] if text else ""
    described = f"{type(exc).__name__}: {first_line}" if first_line else type(exc).__name__
    return described[:MAX_DESCRIPTION_CHARS]


def unnamed_lead_names(n_leads: int) -> list[str]:
    """Names for channels a file does not name: twelve are the standard leads in their usual
    order, any other count is ch1..chN."""
    if n_leads == len(STANDARD_LEADS):
        return list(STANDARD_LEADS)
    return [f"ch{i + 1}" for i in range(n_leads)]
