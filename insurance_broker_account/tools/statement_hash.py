"""What an insurer's statement is known by: its rows, not its file's bytes."""

import hashlib
import re

from .money import amount_repr


def rows_hash(rows, decimal_places):
    """SHA-256 of a statement's rows, as they read whatever the file: each
    row's policy number (case and spaces aside), month and commission, in
    any order; a row listed twice counts twice. ``rows`` are dicts of
    ``policy_number``, ``period`` (a date or None) and ``commission``."""
    keys = sorted(
        "\t".join(
            (
                re.sub(r"\s+", "", row["policy_number"] or "").upper(),
                row["period"].strftime("%Y-%m") if row["period"] else "",
                amount_repr((row["commission"] or 0.0) + 0.0, decimal_places),
            )
        )
        for row in rows
    )
    return hashlib.sha256("\n".join(keys).encode()).hexdigest()
