"""Plain-text tables that print the same on every machine (no pandas needed)."""

from __future__ import annotations

from collections.abc import Sequence

from ._checks import check_int_in
from .i18n import localize_numbers

__all__ = ["format_table", "fmt"]


def fmt(value: object, digits: int = 3) -> str:
    """Format a number with ``digits`` significant digits; strings and other values with ``str``.

    ``-0.0`` prints as ``-0.0`` and ``nan``/``inf`` as such, so sign-of-zero
    differences stay visible. In Italian (:func:`relulab.use_language`) the decimal point is a
    comma: ``0,5``.
    """
    digits = check_int_in(digits, "digits", 0, 30)
    if isinstance(value, str):
        return localize_numbers(value)
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return str(value)
    try:
        v = float(value)  # numpy and torch scalars too
    except (TypeError, ValueError):
        return str(value)
    if v != v:
        return "nan"
    if v in (float("inf"), float("-inf")):
        return "inf" if v > 0 else "-inf"
    if v == 0.0:
        return localize_numbers("-0.0" if str(v).startswith("-") else "0.0")
    return localize_numbers(f"{v:.{digits}g}")


def format_table(rows: Sequence[Sequence[object]], headers: Sequence[str], *, digits: int = 3) -> str:
    """Align ``rows`` under ``headers`` in columns; numbers get ``digits`` significant digits.

    Numbers follow the current language (decimal comma in Italian), also inside text cells and
    headers (``"0.69 ± 0.04"`` prints ``0,69 ± 0,04``); code stays as written (``F.prelu(x, 0.25)``).
    """
    if isinstance(headers, (str, bytes)) or not isinstance(headers, Sequence):
        raise TypeError(f"headers must be a sequence of column titles, got {type(headers).__name__}")
    if isinstance(rows, (str, bytes)) or not isinstance(rows, Sequence) or not all(
        isinstance(r, Sequence) and not isinstance(r, (str, bytes)) for r in rows
    ):
        raise TypeError(f"rows must be a sequence of rows (sequences of cells), got {rows!r:.80}")
    if not headers:
        raise ValueError("headers must not be empty")
    cells = [[fmt(v, digits) for v in row] for row in rows]
    for i, row in enumerate(cells):
        if len(row) != len(headers):
            raise ValueError(f"rows: row {i} has {len(row)} cells, headers have {len(headers)}")
    headers = [localize_numbers(str(h)) for h in headers]
    line = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    widths = [max([len(h)] + [len(r[j]) for r in cells]) for j, h in enumerate(headers)]
    out = [line(list(headers)), line(["-" * w for w in widths])]
    out += [line(r) for r in cells]
    return "\n".join(out)
