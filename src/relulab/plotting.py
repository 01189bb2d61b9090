"""The house style of every figure in the book.

Readable in black and white and by colour-blind readers: series differ by
line style and marker as well as by colour (the Okabe–Ito palette). Labels
come from :mod:`relulab.i18n`, so the same cell draws an Italian or an English
figure. Plotting functions take data and return the axes; experiments live
elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np

from ._checks import check_callable, check_int_in, check_range, check_scalar_in, check_text
from .i18n import current_language, t

__all__ = [
    "OKABE_ITO",
    "LINESTYLES",
    "MARKERS",
    "series_style",
    "use_house_style",
    "subplots",
    "plot_function_and_derivative",
    "plot_mean_spread",
    "DecimalCommaFormatter",
    "localize_ticks",
]

#: Okabe & Ito's colour-blind-safe palette (black first).
OKABE_ITO: tuple[str, ...] = (
    "#000000",
    "#E69F00",
    "#0072B2",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#F0E442",
)
#: Line styles that tell series apart without colour.
LINESTYLES: tuple[object, ...] = ("-", "--", ":", "-.", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 3)))
#: Markers for point series.
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "x", "P", "*")


def series_style(i: int) -> dict[str, object]:
    """Colour, line style and marker of the ``i``-th series of a figure."""
    i = check_int_in(i, "i", 0)
    return {
        "color": OKABE_ITO[i % len(OKABE_ITO)],
        "linestyle": LINESTYLES[i % len(LINESTYLES)],
        "marker": MARKERS[i % len(MARKERS)],
    }


def use_house_style() -> None:
    """Apply the book's matplotlib settings (small PNG figures, grid, no top/right spines)."""
    mpl.rcParams.update(
        {
            "figure.figsize": (6.4, 3.6),
            "figure.dpi": 90,
            "savefig.dpi": 90,
            "font.size": 10,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.prop_cycle": mpl.cycler(color=list(OKABE_ITO[:6]), linestyle=list(LINESTYLES[:6])),
            "legend.frameon": False,
            "lines.linewidth": 1.8,
            "figure.constrained_layout.use": True,
            # every pyplot figure gets decimal-comma tick labels when the language is Italian
            "figure.hooks": ["relulab.plotting:_localize_on_draw"],
        }
    )


class DecimalCommaFormatter(mticker.ScalarFormatter):
    """matplotlib's default tick labels with a decimal comma (``0,5``), as the Italian edition writes."""

    def __call__(self, x, pos=None):
        return _comma(super().__call__(x, pos))

    def get_offset(self):
        return _comma(super().get_offset())

    def format_data_short(self, value):
        return _comma(super().format_data_short(value))


def _comma(text: str) -> str:
    # inside mathtext a bare comma gets a space after it; {,} does not
    return text.replace(".", "{,}") if "$" in text else text.replace(".", ",")


def localize_ticks(fig) -> None:
    """Give every axis of ``fig`` with matplotlib's default number format a decimal comma if the
    language is Italian (:func:`relulab.use_language`); English figures are left as they are.

    Figures made with pyplot after :func:`use_house_style` get this on every draw by themselves."""
    if not isinstance(fig, mpl.figure.Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    if current_language() != "it":
        return
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for ticker in (axis.major, axis.minor):
                if type(ticker.formatter) is mticker.ScalarFormatter:
                    ticker.formatter.__class__ = DecimalCommaFormatter  # keeps its state (offset, limits)


def _localize_on_draw(fig) -> None:
    """``figure.hooks`` entry: localize the tick labels of ``fig`` each time it is drawn."""
    draw = fig.draw

    def localized_draw(renderer):
        localize_ticks(fig)
        return draw(renderer)

    fig.draw = localized_draw


def subplots(ncols: int = 1, nrows: int = 1, *, width: float | None = None, height: float = 3.4):
    """A figure with the house style and ``nrows`` × ``ncols`` axes (returned as a flat array if more than one)."""
    ncols = check_int_in(ncols, "ncols", 1, 6)
    nrows = check_int_in(nrows, "nrows", 1, 6)
    if width is not None:
        width = check_scalar_in(width, "width", 0.0, 100.0, low_open=True)
    height = check_scalar_in(height, "height", 0.0, 100.0, low_open=True)
    use_house_style()
    width = width if width is not None else min(3.4 * ncols, 10.0)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, height * nrows), squeeze=False)
    flat = axes.ravel()
    return fig, (flat[0] if flat.size == 1 else flat)


def plot_function_and_derivative(
    f: Callable[[np.ndarray], np.ndarray],
    df: Callable[[np.ndarray], np.ndarray],
    *,
    name: str,
    x_range: tuple[float, float] = (-3.0, 3.0),
    n: int = 601,
    axes: Sequence | None = None,
):
    """Plot ``f`` (left) and its derivative ``df`` (right) on ``x_range``.

    Kinks show as open/closed dots where the derivative jumps; here the
    derivative is drawn as points grouped into continuous runs so that no
    vertical line joins the two sides of a jump.
    """
    check_callable(f, "f")
    check_callable(df, "df")
    check_text(name, "name")
    if axes is not None and (not isinstance(axes, (Sequence, np.ndarray)) or len(axes) != 2):
        raise TypeError(f"axes must be None or a pair of matplotlib axes, got {axes!r:.80}")
    lo, hi = check_range(x_range, "x_range")
    if not lo < hi:
        raise ValueError(f"x_range must be (low, high) with low < high, got {x_range}")
    n = check_int_in(n, "n", 3, 1_000_000)
    x = np.linspace(lo, hi, n)
    y = np.asarray(f(x), dtype=float)
    dy = np.asarray(df(x), dtype=float)
    if y.shape != x.shape or dy.shape != x.shape:
        raise ValueError("f and df must return one value per input")
    if axes is None:
        _, axes = subplots(2, width=8.0, height=3.0)
    ax_f, ax_d = axes
    ax_f.plot(x, y, **{k: v for k, v in series_style(0).items() if k != "marker"})
    ax_f.set(xlabel=t("input"), ylabel=t("value"), title=name)
    # split the derivative where it jumps, so a step is drawn as a step
    jumps = np.flatnonzero(np.abs(np.diff(dy)) > 0.25 * (np.nanmax(dy) - np.nanmin(dy) + 1e-12)) + 1
    for k, (xs, ys) in enumerate(zip(np.split(x, jumps), np.split(dy, jumps))):
        ax_d.plot(xs, ys, **{**{k2: v for k2, v in series_style(2).items() if k2 != "marker"}, "linestyle": "--"})
    ax_d.set(xlabel=t("input"), ylabel=t("derivative"), title=f"{name}'")
    return axes


def plot_mean_spread(
    ax,
    x: Sequence[float],
    runs: np.ndarray,
    *,
    label: str,
    index: int = 0,
    spread: str = "std",
):
    """Plot the mean over seeds (rows of ``runs``) with a shaded band of ±1 std or min–max."""
    runs = np.asarray(runs, dtype=float)
    if runs.ndim != 2 or runs.shape[1] != len(x):
        raise ValueError(f"runs must have shape (n_seeds, len(x)) = (*, {len(x)}), got {runs.shape}")
    if spread not in ("std", "minmax"):
        raise ValueError(f"spread must be 'std' or 'minmax', got {spread!r}")
    mean = runs.mean(axis=0)
    if spread == "std":
        lo, hi = mean - runs.std(axis=0), mean + runs.std(axis=0)
    else:
        lo, hi = runs.min(axis=0), runs.max(axis=0)
    style = series_style(index)
    ax.plot(x, mean, label=label, **style)
    ax.fill_between(x, lo, hi, color=style["color"], alpha=0.18, linewidth=0)
    return ax
