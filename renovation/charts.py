"""Charts as SVG drawn on the server: a bar chart and a line chart, for the dashboard, the
weekly bulletins and their PDFs (WeasyPrint draws inline SVG). No JavaScript, no web font, no
CDN: the markup goes straight into a template (`{{ chart }}`), scales with its container
(viewBox), colours by presentation attributes (nothing a Content-Security-Policy forbids), and
says what it shows to a screen reader (role="img", <title>, <desc>).

    from renovation.charts import Series, bar_chart, line_chart
    line_chart(
        title=_("Projects completed"),
        labels=["03-02", "03-09", "03-16"],
        series=[Series(_("Completed"), [1, 3, 4]), Series(_("Households ÷ 100"), [0, 2, 3])],
    )
"""

import hashlib
import math
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

# Colours that stay apart for the common colour-vision deficiencies (Okabe–Ito), on white.
PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000")
AXIS, GRID, TEXT = "#616e7c", "#e4e7eb", "#1f2933"
FONT = 'font-family="PingFang SC, Microsoft YaHei, WenQuanYi Zen Hei, sans-serif"'


@dataclass
class Series:
    name: str
    values: list
    color: str = ""


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """0 and about `count` round steps (1, 2 or 5 × 10ⁿ) reaching at least `top`."""
    if top <= 0:
        return [0, 1]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    steps = math.ceil(top / step - 1e-9)
    return [round(i * step, 10) for i in range(steps + 1)]


def _number(value) -> str:
    value = float(value)
    if value.is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def _float(value) -> float:
    return 0.0 if value is None else float(value)


class _Frame:
    """The plot area inside a width × height chart with room for the axes and the legend."""

    def __init__(self, *, width, height, labels, series, left=40, right=20, top=10):
        self.width, self.height = width, height
        self.labels, self.series = [str(label) for label in labels], series
        self.legend_rows = math.ceil(len(series) / 3) if len(series) > 1 else 0
        self.left, self.right, self.top = left, right, top
        self.bottom = 28 + 18 * self.legend_rows
        top_value = max((_float(v) for s in series for v in s.values), default=0)
        self.ticks = nice_ticks(top_value)
        self.max = self.ticks[-1] or 1
        self.plot_w = width - self.left - self.right
        self.plot_h = height - self.top - self.bottom

    def y(self, value) -> float:
        return self.top + self.plot_h * (1 - _float(value) / self.max)

    def axes(self) -> list[str]:
        parts = []
        for tick in self.ticks:
            y = self.y(tick)
            parts.append(
                f'<line x1="{self.left}" x2="{self.width - self.right}" y1="{y:.1f}" '
                f'y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>'
                f'<text x="{self.left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
                f'fill="{AXIS}">{_number(tick)}</text>'
            )
        baseline = self.y(0)
        parts.append(
            f'<line x1="{self.left}" x2="{self.width - self.right}" y1="{baseline:.1f}" '
            f'y2="{baseline:.1f}" stroke="{AXIS}" stroke-width="1"/>'
        )
        return parts

    def x_labels(self, centres: list[float]) -> list[str]:
        # About one label every 44 units, counted back from the last (the latest week).
        every = max(1, math.ceil(len(centres) * 44 / max(self.plot_w, 1)))
        y = self.top + self.plot_h + 16
        parts = []
        for i, (x, label) in enumerate(zip(centres, self.labels, strict=True)):
            if (len(centres) - 1 - i) % every == 0:
                parts.append(
                    f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" font-size="11" '
                    f'fill="{AXIS}">{escape(label)}</text>'
                )
        return parts

    def legend(self) -> list[str]:
        if not self.legend_rows:
            return []
        parts, column = [], (self.width - 8) / 3
        for i, s in enumerate(self.series):
            x = 8 + (i % 3) * column
            y = self.height - 18 * (self.legend_rows - i // 3) + 6
            parts.append(
                f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{s.color}"/>'
                f'<text x="{x + 14:.1f}" y="{y:.1f}" font-size="12" fill="{TEXT}">'
                f"{escape(str(s.name))}</text>"
            )
        return parts


def _svg(frame: _Frame, body: list[str], *, title: str, description: str) -> SafeString:
    # Ids for aria-labelledby, unique per chart and the same every time it is drawn.
    n = hashlib.sha1(("".join(body) + str(title)).encode()).hexdigest()[:10]
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {frame.width} '
        f'{frame.height}" width="100%" role="img" aria-labelledby="chart{n}-t chart{n}-d" '
        f'preserveAspectRatio="xMidYMid meet" {FONT}>'
        f'<title id="chart{n}-t">{escape(str(title))}</title>'
        f'<desc id="chart{n}-d">{escape(description)}</desc>'
    )
    return mark_safe(head + "".join(frame.axes() + body + frame.legend()) + "</svg>")


def _colour(series: list[Series]) -> list[Series]:
    return [
        Series(s.name, list(s.values), s.color or PALETTE[i % len(PALETTE)])
        for i, s in enumerate(series)
    ]


def _description(labels, series) -> str:
    """The numbers behind the chart, for a screen reader (and a PDF's text layer)."""
    return "; ".join(
        f"{s.name}: "
        + ", ".join(
            f"{label} {_number(_float(v))}" for label, v in zip(labels, s.values, strict=True)
        )
        for s in series
    )


def bar_chart(
    *, labels: list, series: list[Series], title: str, width: int = 420, height: int = 220
) -> SafeString:
    """Grouped bars: one group per label, one bar per series."""
    series = _colour(series)
    frame = _Frame(width=width, height=height, labels=labels, series=series)
    slot = frame.plot_w / max(len(labels), 1)
    bar = slot * 0.8 / max(len(series), 1)
    body, centres = [], []
    for i in range(len(labels)):
        start = frame.left + i * slot + slot * 0.1
        centres.append(start + slot * 0.4)
        for j, s in enumerate(series):
            value = _float(s.values[i])
            y = frame.y(value)
            body.append(
                f'<rect x="{start + j * bar:.1f}" y="{y:.1f}" width="{max(bar - 1, 1):.1f}" '
                f'height="{frame.y(0) - y:.1f}" fill="{s.color}">'
                f"<title>{escape(str(labels[i]))} · {escape(str(s.name))}: "
                f"{_number(value)}</title></rect>"
            )
    body += frame.x_labels(centres)
    return _svg(frame, body, title=title, description=_description(labels, series))


def line_chart(
    *, labels: list, series: list[Series], title: str, width: int = 420, height: int = 220
) -> SafeString:
    """One line per series over the labels (weeks), a dot on each value."""
    series = _colour(series)
    frame = _Frame(width=width, height=height, labels=labels, series=series)
    step = frame.plot_w / max(len(labels) - 1, 1)
    centres = [frame.left + i * step for i in range(len(labels))]
    body = []
    for s in series:
        points = [(x, frame.y(v)) for x, v in zip(centres, s.values, strict=True)]
        body.append(
            f'<polyline fill="none" stroke="{s.color}" stroke-width="2" '
            f'points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in points)}"/>'
        )
        for (x, y), label, value in zip(points, labels, s.values, strict=True):
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{s.color}">'
                f"<title>{escape(str(label))} · {escape(str(s.name))}: "
                f"{_number(_float(value))}</title></circle>"
            )
    body += frame.x_labels(centres)
    return _svg(frame, body, title=title, description=_description(labels, series))
