"""Figures of the report: the data (from the oracle) and a small deterministic SVG plotter.

The same data feed all formats: an SVG file beside the Markdown report, inline SVG in
the HTML report, and pgfplots coordinates in the LaTeX report. The SVG has no ids,
dates or random parts, so rendering twice gives the same bytes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from symbolic.functions import FamilyMember
from symbolic.functions.base import LossPlot, Plot
from symbolic.grade.grading import Grade
from symbolic.language.printing import xml_escape
from symbolic.numbers import oracle

COLOURS = ("#1f5fa8", "#c0392b", "#2e8b57", "#8e44ad")
WIDTH, HEIGHT = 640, 360
LEFT, RIGHT, TOP, BOTTOM = 64, 20, 28, 44


@dataclass(frozen=True)
class Curve:
    label: str
    xs: tuple[float, ...]
    ys: tuple[float, ...]


@dataclass(frozen=True)
class Figure:
    name: str
    title: str
    caption: str
    x_label: str
    y_label: str
    curves: tuple[Curve, ...]
    log_y: bool = False
    y_range: tuple[float, float] | None = None
    notes: tuple[str, ...] = field(default=())

    def pgfplots_coordinates(self) -> list[str]:
        """One coordinates string per curve, for \\addplot coordinates {…}."""
        return [
            " ".join(
                f"({x:.6g},{y:.6g})"
                for x, y in zip(c.xs, c.ys, strict=True)
                if _finite(y, self.log_y)
            )
            for c in self.curves
        ]

    def svg(self) -> str:
        return render_svg(self)


def _finite(y: float, log_y: bool) -> bool:
    return math.isfinite(y) and (y > 0 or not log_y)


def _grid(low: float, high: float, count: int) -> np.ndarray:
    return np.linspace(low, high, count)


def function_figures(function: type[FamilyMember]) -> list[Figure]:
    """The figures a function's report asks for (`ReportText.plots` and `loss_plot`)."""
    text = function.report
    if text is None:
        return []
    figures = [_plot(function, plot) for plot in text.plots]
    if text.loss_plot is not None:
        figures.append(_loss_plot(function, text.loss_plot))
    return figures


def _plot(function: type[FamilyMember], plot: Plot) -> Figure:
    xs = _grid(*plot.grid)
    curves = tuple(
        Curve(label, tuple(xs), tuple(oracle.rounded(function.typed(), xs, order=order)))
        for label, order in plot.curves
    )
    return Figure(plot.name, plot.title, plot.caption, "x", "y", curves)


def _loss_plot(function: type[FamilyMember], plot: LossPlot) -> Figure:
    """Relative error of f^(n) computed by a formula from f correctly rounded to the
    format (the best any code can do), so the figure shows the loss due to the formula
    alone, the same on every machine."""
    xs = _grid(*plot.grid)
    truth = oracle.rounded(function.typed(), xs, order=plot.order)  # float64, correctly rounded
    curves = []
    for name, dtype in (("float32", np.float32), ("float64", np.float64)):
        s = oracle.rounded(function.typed(), xs.astype(dtype))
        computed = plot.formula(s).astype(np.float64)
        error = np.abs(computed - truth) / truth
        clipped = np.clip(error, 1e-18, 1.0)
        curves.append(Curve(plot.label.format(format=name), tuple(xs), tuple(clipped)))
    return Figure(
        plot.name,
        plot.title,
        plot.caption,
        "x",
        "relative error",
        tuple(curves),
        log_y=True,
        y_range=(1e-18, 1.0),
    )


# ---------------------------------------------------------------- SVG


def render_svg(figure: Figure) -> str:
    xs = [x for c in figure.curves for x in c.xs]
    ys = [y for c in figure.curves for y in c.ys if _finite(y, figure.log_y)]
    x_low, x_high = min(xs), max(xs)
    transform = (lambda v: math.log10(v)) if figure.log_y else (lambda v: v)
    if figure.y_range:
        y_low, y_high = (transform(v) for v in figure.y_range)
    else:
        y_low, y_high = min(ys), max(ys)
        pad = (y_high - y_low) * 0.05 or 1.0
        y_low, y_high = y_low - pad, y_high + pad
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def px(x: float) -> float:
        return LEFT + (x - x_low) / (x_high - x_low) * plot_w

    def py(y: float) -> float:
        return TOP + (1 - (transform(y) - y_low) / (y_high - y_low)) * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" font-family="DejaVu Sans, Arial, sans-serif" '
        f'font-size="12">',
        f"<title>{xml_escape(figure.title)}</title>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
    ]
    parts += _axes(figure, x_low, x_high, y_low, y_high, px, py)
    for index, curve in enumerate(figure.curves):
        points = " ".join(
            f"{px(x):.2f},{py(y):.2f}"
            for x, y in zip(curve.xs, curve.ys, strict=True)
            if _finite(y, figure.log_y)
        )
        colour = COLOURS[index % len(COLOURS)]
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>'
        )
        ly = TOP + 16 + 18 * index
        parts.append(
            f'<line x1="{LEFT + 12}" y1="{ly - 4}" x2="{LEFT + 36}" y2="{ly - 4}" '
            f'stroke="{colour}" stroke-width="2"/>'
        )
        parts.append(f'<text x="{LEFT + 42}" y="{ly}">{xml_escape(curve.label)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _axes(figure, x_low, x_high, y_low, y_high, px, py) -> list[str]:
    parts = [
        f'<rect x="{LEFT}" y="{TOP}" width="{WIDTH - LEFT - RIGHT}" height="{HEIGHT - TOP - BOTTOM}" '
        f'fill="none" stroke="#444"/>'
    ]
    for tick in _ticks(x_low, x_high):
        x = px(tick)
        parts.append(
            f'<line x1="{x:.2f}" y1="{HEIGHT - BOTTOM}" x2="{x:.2f}" y2="{HEIGHT - BOTTOM + 5}" stroke="#444"/>'
        )
        parts.append(
            f'<text x="{x:.2f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle">{_number(tick)}</text>'
        )
    y_ticks = (
        range(math.ceil(y_low), math.floor(y_high) + 1, 3)
        if figure.log_y
        else _ticks(y_low, y_high)
    )
    for tick in y_ticks:
        value = 10.0**tick if figure.log_y else tick
        y = py(value)
        label = f"1e{tick}" if figure.log_y else _number(tick)
        parts.append(
            f'<line x1="{LEFT - 5}" y1="{y:.2f}" x2="{WIDTH - RIGHT}" y2="{y:.2f}" stroke="#ddd"/>'
        )
        parts.append(f'<text x="{LEFT - 8}" y="{y + 4:.2f}" text-anchor="end">{label}</text>')
    parts.append(
        f'<text x="{LEFT + (WIDTH - LEFT - RIGHT) / 2:.0f}" y="{HEIGHT - 6}" '
        f'text-anchor="middle">{xml_escape(figure.x_label)}</text>'
    )
    parts.append(
        f'<text x="{WIDTH / 2:.0f}" y="18" text-anchor="middle" font-weight="bold">'
        f"{xml_escape(figure.title)}</text>"
    )
    return parts


def _ticks(low: float, high: float) -> list[float]:
    span = high - low
    step = 10 ** math.floor(math.log10(span / 4))
    for factor in (1, 2, 5, 10):
        if span / (step * factor) <= 8:
            step *= factor
            break
    start = math.ceil(low / step) * step
    ticks = []
    value = start
    while value <= high + 1e-12:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _number(value: float) -> str:
    return f"{value:g}".replace("-", "−")


def grade_plot(result: Grade) -> str:
    """The ULP error of a grade against x, as an SVG figure (`symbolic grade --plot`)."""
    points = sorted(result.stats.plot)
    xs = tuple(p[0] for p in points) or (0.0,)
    ys = tuple(p[1] for p in points) or (1e-3,)
    figure = Figure(
        "grade",
        f"ULP error of {result.impl} ({result.fmt.name})",
        "",
        "x",
        "ULP error",
        (Curve(result.of, xs, ys),),
        log_y=True,
        y_range=(1e-3, 1e6),
    )
    return render_svg(figure)
