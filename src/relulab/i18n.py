"""Language support: one code cell, Italian or English figures and tables.

A notebook selects its language once, with :func:`use_language`; every label,
legend and table header that ``relulab`` produces is then looked up in a small
message catalogue with :func:`t`. Modules of later chapters add their own
messages with :func:`register`, next to the code that uses them.

>>> use_language("it")
>>> t("input")
'ingresso $x$'
>>> use_language("en")
>>> t("input")
'input $x$'
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping

#: Languages the book is written in.
LANGUAGES: tuple[str, ...] = ("en", "it")

_current: str = "en"
_FORMATTER = string.Formatter()


class _Localizing(string.Formatter):
    """``str.format`` that writes the numbers it fills in as the current language does.

    A field whose value is a number, or a string without letters (``"0.69 ± 0.04"``), gets
    :func:`localize_numbers`; text fields (a sentence, a name, ``"1.000 coppie"``) and the
    template itself stay as written."""

    def format_field(self, value: object, format_spec: str) -> str:
        return localized_value(value, super().format_field(value, format_spec))

#: The catalogue: message key -> {language -> text}.
_CATALOGUE: dict[str, dict[str, str]] = {}


def use_language(lang: str) -> None:
    """Select the language of every label, legend and header ``relulab`` prints.

    Parameters
    ----------
    lang:
        ``"en"`` or ``"it"``.
    """
    global _current
    if not isinstance(lang, str) or lang not in LANGUAGES:
        raise ValueError(
            f"unknown language {lang!r}: relulab speaks {', '.join(map(repr, LANGUAGES))}"
        )
    _current = lang


def current_language() -> str:
    """Return the language selected with :func:`use_language` (``"en"`` by default)."""
    return _current


def register(messages: Mapping[str, Mapping[str, str]]) -> None:
    """Add messages to the catalogue.

    Every message must have a text in every language of :data:`LANGUAGES`; a key
    may be registered again only with the same texts (so two modules cannot
    silently disagree about a label). Texts are ``str.format`` templates; every
    language must use the same ``{placeholders}``.
    """
    if not isinstance(messages, Mapping):
        raise TypeError(f"messages must be a mapping key -> {{language -> text}}, got {type(messages).__name__}")
    for key, texts in messages.items():
        if not isinstance(key, str) or not key:
            raise ValueError(f"message keys must be non-empty strings, got {key!r}")
        if not isinstance(texts, Mapping):
            raise TypeError(f"messages[{key!r}] must map each language to a text, got {type(texts).__name__}")
        wrong = {lang: type(text).__name__ for lang, text in texts.items() if not isinstance(text, str)}
        if wrong:
            raise TypeError(f"messages[{key!r}] must have str texts, got {wrong}")
        missing = [lang for lang in LANGUAGES if not texts.get(lang)]
        if missing:
            raise ValueError(f"messages[{key!r}] has no text in: {', '.join(missing)}")
        extra = set(texts) - set(LANGUAGES)
        if extra:
            raise ValueError(f"message {key!r} has texts in unknown languages {sorted(extra)}")
        new = {lang: texts[lang] for lang in LANGUAGES}
        fields = {lang: _fields(key, text) for lang, text in new.items()}
        if len({frozenset(f) for f in fields.values()}) != 1:
            raise ValueError(f"message {key!r} has different placeholders in its languages: {fields}")
        old = _CATALOGUE.get(key)
        if old is not None and old != new:
            raise ValueError(f"message {key!r} is already registered with other texts: {old}")
        _CATALOGUE[key] = new


def t(key: str, **fields: object) -> str:
    """Translate message ``key`` into the current language.

    Keyword arguments fill ``{placeholders}`` in the message; every placeholder
    must be given (``ValueError`` names the missing ones). An unknown key raises
    ``KeyError``.
    """
    if not isinstance(key, str):
        raise TypeError(f"key must be a str, got {type(key).__name__} {key!r}")
    try:
        text = _CATALOGUE[key][_current]
    except KeyError:
        raise KeyError(
            f"no message {key!r} in the catalogue; register it with relulab.i18n.register"
        ) from None
    missing = sorted(_fields(key, text) - set(fields))
    if missing:
        raise ValueError(
            f"message {key!r} needs the field(s) {', '.join(missing)} (its text is {text!r}); "
            f"pass them as t({key!r}, {missing[0]}=...)"
        )
    return _Localizing().format(text, **fields) if fields else text


def template(key: str, lang: str | None = None) -> str:
    """The text of message ``key`` in ``lang`` (default: the current language), placeholders unfilled."""
    if not isinstance(key, str):
        raise TypeError(f"key must be a str, got {type(key).__name__} {key!r}")
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: relulab speaks {', '.join(map(repr, LANGUAGES))}")
    try:
        return _CATALOGUE[key][lang or _current]
    except KeyError:
        raise KeyError(f"no message {key!r} in the catalogue; register it with relulab.i18n.register") from None


def _fields(key: str, text: str) -> set[str]:
    """The names of the ``{placeholders}`` of ``text`` (``ValueError`` if it is not a valid template)."""
    try:
        return {name.split(".")[0].split("[")[0] for _, name, _, _ in _FORMATTER.parse(text) if name}
    except ValueError as exc:
        raise ValueError(f"message {key!r} is not a valid template ({exc}; write {{{{ and }}}} for braces): {text!r}") from None


def keys() -> list[str]:
    """All registered message keys, sorted."""
    return sorted(_CATALOGUE)


register(
    {
        "input": {"en": "input $x$", "it": "ingresso $x$"},
        "output": {"en": "output", "it": "uscita"},
        "value": {"en": "value", "it": "valore"},
        "derivative": {"en": "derivative", "it": "derivata"},
        "function": {"en": "function", "it": "funzione"},
        "relu": {"en": "ReLU", "it": "ReLU"},
        "relu_derivative": {"en": "ReLU derivative", "it": "derivata della ReLU"},
        "units": {"en": "hidden units", "it": "unità nascoste"},
        "error": {"en": "error", "it": "errore"},
        "max_error": {"en": "max error", "it": "errore massimo"},
        "pieces": {"en": "linear pieces", "it": "tratti lineari"},
        "depth": {"en": "depth (layers)", "it": "profondità (strati)"},
        "target": {"en": "target", "it": "obiettivo"},
        "fit": {"en": "network", "it": "rete"},
        "kinks": {"en": "kinks", "it": "punti angolosi"},
        "formula": {"en": "formula", "it": "formula"},
        "monte_carlo": {"en": "Monte Carlo", "it": "Monte Carlo"},
        "mean_input": {"en": "mean $\\mu$ of the input", "it": "media $\\mu$ dell'ingresso"},
        "p_active": {"en": "P(active)", "it": "P(attiva)"},
        "mean": {"en": "mean", "it": "media"},
        "second_moment": {"en": "second moment", "it": "momento secondo"},
        "quantity": {"en": "quantity", "it": "grandezza"},
        "way": {"en": "way of writing it", "it": "scrittura"},
        "seed": {"en": "seed", "it": "seed"},
        "width": {"en": "width", "it": "ampiezza"},
        "sawtooth": {"en": "sawtooth", "it": "dente di sega"},
        "hat": {"en": "hat", "it": "cappello"},
        "abs": {"en": "$|x|$", "it": "$|x|$"},
        "se": {"en": "s.e.", "it": "e.s."},
    }
)


def number(x: float, digits: int = 2, lang: str | None = None) -> str:
    """Format ``x`` with ``digits`` decimals: decimal comma in Italian, decimal point in English."""
    if isinstance(digits, bool) or not isinstance(digits, int) or not 0 <= digits <= 20:
        raise ValueError(f"digits must be an int in [0, 20], got {digits!r}")
    return _formatted(x, f".{digits}f", lang)


def _formatted(x: float, spec: str, lang: str | None) -> str:
    """``x`` (a real number) formatted with ``spec``; a decimal comma when ``lang`` (default: current) is Italian."""
    if isinstance(x, (str, bytes, bool)):
        raise TypeError(f"x must be a real number, got {type(x).__name__} {x!r}")
    try:
        value = float(x)
    except (TypeError, ValueError):
        raise ValueError(f"x must be a real number, got {x!r}") from None
    lang = current_language() if lang is None else lang
    if lang not in ("it", "en"):
        raise ValueError(f"lang must be 'it' or 'en', got {lang!r}")
    text = format(value, spec)
    return text.replace(".", ",") if lang == "it" else text


def significant(x: float, digits: int = 2, lang: str | None = None) -> str:
    """``x`` to ``digits`` significant digits (Python's ``g`` format): decimal comma in Italian.

    The numbers of a chapter's check lines: ``significant(0.8571)`` is ``"0.86"`` in English and
    ``"0,86"`` in Italian, ``significant(2.15, 3)`` is ``"2.15"``, ``significant(3e-7)`` is ``"3e-07"``.
    """
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 17:
        raise ValueError(f"digits must be an int in [1, 17], got {digits!r}")
    return _formatted(x, f".{digits}g", lang)


#: A number with a decimal point that stands alone (not a version ``2.11.0``, not ``1.5e-3``).
_DECIMAL = re.compile(r"(?<![\w.])([-+−]?\d+)\.(\d+)(?![\w.])")
#: Text shown as code keeps its decimal points: a `backtick` span, a call ``f(x, 0.5)`` (one level of
#: nested brackets), a Python list or array ``[0.0, 1.5]`` (not a range ``[1.2-1.5]``), a tuple of
#: numbers ``(0.5, 1.0)`` (a decimal comma would make it ambiguous), a token with ``=`` or ``_``
#: (``lr=0.1``, ``at_zero=0.5``) or an attribute ``np.where``.
CODE_SPAN = re.compile(
    r"`[^`]*`"
    r"|\((?:\s*[-+]?[\d.]+(?:e[-+]?\d+)?\s*,)+\s*(?:[-+]?[\d.]+(?:e[-+]?\d+)?)?\s*\)"
    r"|[A-Za-z_][\w.]*\((?:[^()]|\([^()]*\))*\)"
    r"|\[(?!\s*[-+]?\d+(?:\.\d+)?\s*[-–]\s*[-+]?\d+(?:\.\d+)?\s*\])(?:[^\[\]]|\[[^\[\]]*\])*\]"
    r"|[^\s(]*(?:=|_|\b[A-Za-z]\w*\.[A-Za-z_])[^\s)]*"
)


def echo(*values: object, sep: str = " ", end: str = "\n") -> None:
    """``print(*values)`` with the numbers written in the current language (decimal comma in Italian).

    English output is exactly what ``print`` writes; in Italian, :func:`localize_numbers` turns the
    decimal point of each plain number of the line into a comma and leaves code as it is
    (``f(x, 0.5)``, ``lr=0.1``, ``[0.5, 1.0]``). For the lines a code cell writes itself, such as
    ``echo(f"alpha = {a}: ELU'(0-) = {v:.3f}")``; a sentence from the catalogue goes through :func:`t`.
    """
    if not isinstance(sep, str) or not isinstance(end, str):
        raise TypeError(f"sep and end must be str, got {type(sep).__name__} and {type(end).__name__}")
    print(localize_numbers(sep.join(str(v) for v in values)), end=end)


_LETTER = re.compile(r"[^\W\d_]")


def localized_value(value: object, text: str) -> str:
    """``text`` (how ``value`` prints) with its numbers localized when ``value`` is a number or a
    string without letters; text with letters (a sentence, a name, code) is returned unchanged."""
    if isinstance(value, str):
        return text if _LETTER.search(value) else localize_numbers(text)
    if isinstance(value, bool) or value is None:
        return text
    return localize_numbers(text)


def localize_numbers(text: str, lang: str | None = None) -> str:
    """``text`` with the decimal point of each plain number written as ``lang`` writes it.

    Italian (the default when Italian is the current language) gets a decimal comma: ``0.25`` ->
    ``0,25``, ``-1.5 ± 0.3`` -> ``-1,5 ± 0,3``. Code stays as code (see :data:`CODE_SPAN`):
    ``F.prelu(x, 0.25)``, ``lr=0.1``, ``[0.0, 1.0]``; so do versions (``2.11.0``) and numbers in
    scientific notation (``1.5e-3``). English text is returned unchanged.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    lang = current_language() if lang is None else lang
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {LANGUAGES}, got {lang!r}")
    if lang != "it" or "." not in text:
        return text
    out, last = [], 0
    for m in CODE_SPAN.finditer(text):
        out.append(_DECIMAL.sub(r"\1,\2", text[last:m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(_DECIMAL.sub(r"\1,\2", text[last:]))
    return "".join(out)
