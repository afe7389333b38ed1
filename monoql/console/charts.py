"""Charts drawn on the server as SVG (no chart library): bars over time, stacked demand per market."""

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT, PAD = 720, 180, 28


def bars(points: list[tuple[str, int]], *, title: str) -> SafeString:
    """A bar chart of ``[(label, value)]`` in order, with the largest value and the first/last labels written
    out; ``title`` is the chart's accessible name. An empty series draws an empty frame saying so."""
    if not points:
        return format_html('<p class="chart-empty">{}: nothing yet.</p>', title)
    top = max(value for _, value in points) or 1
    step = (WIDTH - 2 * PAD) / len(points)
    width = max(step * 0.8, 1)
    rects = []
    for index, (label, value) in enumerate(points):
        height = (HEIGHT - 2 * PAD) * value / top
        x, y = PAD + index * step, HEIGHT - PAD - height
        rects.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" class="bar">'
            f"<title>{escape(label)}: {value}</title></rect>"
        )
    labels = (
        f'<text x="{PAD}" y="{HEIGHT - 8}" class="axis">{escape(points[0][0])}</text>'
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - 8}" class="axis" text-anchor="end">{escape(points[-1][0])}</text>'
        f'<text x="{PAD}" y="{PAD - 10}" class="axis">max {top}</text>'
    )
    return mark_safe(  # noqa: S308 - every text in it is escaped above; the rest are numbers
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" class="chart">'
        f"<title>{escape(title)}</title>{''.join(rects)}{labels}</svg>"
    )
