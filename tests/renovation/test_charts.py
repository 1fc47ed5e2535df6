"""renovation.charts: SVG charts drawn on the server — well-formed, scaled to their values,
labelled for screen readers, and safe with any text in their labels."""

import xml.etree.ElementTree as ET

import pytest

from renovation.charts import Series, bar_chart, line_chart, nice_ticks

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg) -> ET.Element:
    return ET.fromstring(str(svg))


@pytest.mark.parametrize(
    "top, ticks",
    [
        (0, [0, 1]),
        (3, [0, 1, 2, 3]),
        (4, [0, 1, 2, 3, 4]),
        (9, [0, 5, 10]),
        (56, [0, 20, 40, 60]),
        (820000, [0, 500000, 1000000]),
        (0.3, [0, 0.1, 0.2, 0.3]),
    ],
)
def test_the_axis_steps_are_round_and_reach_the_top(top, ticks):
    assert nice_ticks(top) == ticks


def test_a_bar_chart_draws_one_bar_per_label_and_series():
    svg = bar_chart(
        title="项目与竣工",
        labels=["徐汇区", "锦江区", "新华区"],
        series=[Series("项目", [4, 3, 3]), Series("已竣工", [1, 0, 1])],
    )
    root = parse(svg)
    bars = root.findall(f"{SVG}rect[{SVG}title]")
    assert len(bars) == 6
    heights = [float(bar.get("height")) for bar in bars]
    # 4 projects reach the top tick (4); 1 completed is a quarter of that.
    assert heights[0] == pytest.approx(4 * heights[1]) and heights[3] == 0
    assert [t.text for t in root.iter(f"{SVG}text") if t.text in ("徐汇区", "锦江区", "新华区")]


def test_a_line_chart_draws_a_point_per_week_and_a_legend():
    labels = [f"03-{d:02d}" for d in range(2, 30, 7)]
    svg = line_chart(
        title="发现与整改",
        labels=labels,
        series=[Series("发现", [1, 3, 6, 9]), Series("已整改", [0, 1, 1, 3])],
    )
    root = parse(svg)
    assert len(root.findall(f"{SVG}polyline")) == 2
    assert len(root.findall(f"{SVG}circle")) == 8
    legend = {t.text for t in root.iter(f"{SVG}text")}
    assert {"发现", "已整改", "03-23"} <= legend


def test_a_chart_tells_a_screen_reader_what_it_shows():
    svg = line_chart(title="受益户数", labels=["03-02", "03-09"], series=[Series("户", [10, 40])])
    root = parse(svg)
    assert root.get("role") == "img"
    labelled = root.get("aria-labelledby").split()
    ids = {el.get("id"): el.text for el in root if el.get("id")}
    assert ids[labelled[0]] == "受益户数" and "03-09 40" in ids[labelled[1]]


def test_text_in_a_label_cannot_become_markup():
    svg = bar_chart(
        title="<script>alert(1)</script>",
        labels=['"><script>alert(1)</script>'],
        series=[Series("<b>x</b>", [1])],
    )
    assert "<script>" not in str(svg) and "<b>" not in str(svg)
    parse(svg)  # still well-formed


def test_nothing_to_show_still_draws_an_empty_chart():
    root = parse(bar_chart(title="空", labels=[], series=[Series("项目", [])]))
    assert root.tag == f"{SVG}svg" and not root.findall(f"{SVG}rect[{SVG}title]")
    root = parse(line_chart(title="零", labels=["a", "b"], series=[Series("n", [0, None])]))
    assert len(root.findall(f"{SVG}circle")) == 2


def test_a_chart_is_drawn_the_same_every_time():
    draw = lambda: line_chart(title="t", labels=["a"], series=[Series("s", [1])])  # noqa: E731
    assert draw() == draw()


def test_a_chart_has_no_script_and_no_style_element():
    svg = str(line_chart(title="t", labels=["a", "b"], series=[Series("s", [1, 2])]))
    assert "<script" not in svg and "<style" not in svg and "style=" not in svg
