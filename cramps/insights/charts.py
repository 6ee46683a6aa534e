"""Bar charts as plain geometry, drawn by a template as inline SVG: no script, no style
attribute (the CSP allows neither), no file from elsewhere. Each chart has a table beside it."""

from dataclasses import dataclass

WIDTH, HEIGHT = 320, 120
GAP = 2


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: float | None
    label: str


@dataclass(frozen=True)
class Chart:
    bars: list
    width: int
    height: int
    top: float  # the value at the top of the chart
    guide_y: float | None  # a horizontal line (a target), in chart units


def bar_chart(values, labels, top=None, guide=None) -> Chart:
    """Bars for `values` (None: no bar) scaled to `top` (default: the largest value, at least
    1); `guide` is a value drawn as a line across (100 for "the daily guide")."""
    known = [v for v in values if v is not None]
    top = max([top or 0, *known, guide or 0, 1])
    step = WIDTH / max(len(values), 1)
    bars = []
    for i, (value, label) in enumerate(zip(values, labels, strict=True)):
        height = 0.0 if value is None else HEIGHT * value / top
        bars.append(
            Bar(
                x=round(i * step + GAP / 2, 2),
                y=round(HEIGHT - height, 2),
                width=round(max(step - GAP, 1), 2),
                height=round(height, 2),
                value=value,
                label=label,
            )
        )
    guide_y = None if guide is None else round(HEIGHT - HEIGHT * guide / top, 2)
    return Chart(bars, WIDTH, HEIGHT, top, guide_y)
