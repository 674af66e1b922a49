"""The results page's plots: each is a table of numbers (its CSV, exactly) and a drawing of that table
(an SVG made on the server by matplotlib, no display needed, no script in it).

A plot is read at a glance: arrivals and calls per hour of the day, how long people waited, the
service level per day, and how many were turned away per day. The numbers the drawing is made of
are the numbers the CSV holds, because both come from `Plot.table`.
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import matplotlib

matplotlib.use("Agg")  # before anything draws: a server has no display
matplotlib.rcParams.update(
    {
        # Text stays text (searchable, crisp when printed, small); ids are stable across runs.
        "svg.fonttype": "none",
        "svg.hashsalt": "wartemarke",
        "font.family": ["DejaVu Sans", "sans-serif"],
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)
from matplotlib.figure import Figure  # noqa: E402 - after choosing the backend

from server.office.results import RangeResults  # noqa: E402
from server.rules.result_figures import WAIT_BIN_MINUTES, WAIT_BINS  # noqa: E402
from server.web.office_pages import N_  # noqa: E402

#: Colours readable on white (each at least 4.5:1), told apart by more than hue: bars vs. lines, markers.
INK = ("#0b4f8a", "#b3400c", "#0a5a2b", "#6b2d8a", "#5c4400", "#45505b")
#: Longer ranges are drawn as areas and plain lines instead of a bar or marker per day.
LONG_RANGE_DAYS = 62
#: matplotlib is not made for several threads drawing at once; a plot takes tens of milliseconds.
_drawing = threading.Lock()


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[list[Any]]

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.columns)
        writer.writerows([["" if v is None else v for v in row] for row in self.rows])
        return out.getvalue()


Translate = Callable[[str], str]


@dataclass(frozen=True)
class Plot:
    name: str
    title: str  # an office msgid
    description: str  # an office msgid: the image's text alternative
    table: Callable[[RangeResults, dict[str, str]], Table]
    draw: Callable[[Figure, Table, Translate], None]


def _arrivals_table(results: RangeResults, _names: dict[str, str]) -> Table:
    hours = results.hours
    return Table(
        ["hour", "issued", "called", "served"],
        [[h, hours["issued"][h], hours["called"][h], hours["served"][h]] for h in range(24)],
    )


def _draw_arrivals(figure: Figure, table: Table, _: Translate) -> None:
    axes = figure.subplots()
    hours = [row[0] for row in table.rows]
    bars = axes.bar(hours, [row[1] for row in table.rows], color=INK[0], label=_("Tickets drawn"))
    # Each bar names its hour and count in the SVG (id="issued-8-3"): a check can read the drawing.
    for bar, row in zip(bars, table.rows, strict=True):
        bar.set_gid(f"issued-{row[0]}-{row[1]}")
    axes.plot(hours, [row[2] for row in table.rows], color=INK[1], marker="o", markersize=3, label=_("Calls"))
    axes.set_xticks(range(0, 24, 2))
    axes.set_xlabel(_("Hour of the day"))
    axes.set_ylabel(_("Tickets"))
    _from_zero(axes)
    axes.legend(frameon=False)


def _from_zero(axes: Any) -> None:
    """Counts start at zero, and an empty plot shows 0 to 1, not -0.04 to 0.04."""
    low, high = axes.get_ylim()
    axes.set_ylim(0, max(high, 1))
    axes.yaxis.get_major_locator().set_params(integer=True)


def _waits_table(results: RangeResults, _names: dict[str, str]) -> Table:
    rows = []
    for index, count in enumerate(results.wait_histogram):
        low = index * WAIT_BIN_MINUTES
        high = "" if index == WAIT_BINS else low + WAIT_BIN_MINUTES
        rows.append([low, high, count])
    return Table(["wait_from_min", "wait_to_min", "calls"], rows)


def _draw_waits(figure: Figure, table: Table, _: Translate) -> None:
    axes = figure.subplots()
    labels = [f"{r[0]}–{r[1]}" if r[1] != "" else f"{r[0]}+" for r in table.rows]
    axes.bar(range(len(labels)), [r[2] for r in table.rows], color=INK[0])
    axes.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    axes.set_xlabel(_("Minutes of waiting"))
    axes.set_ylabel(_("Calls"))
    _from_zero(axes)


def _service_level_table(results: RangeResults, names: dict[str, str]) -> Table:
    services = list(results.service_level)
    rows = [[day, *(results.service_level[s][i] for s in services)] for i, day in enumerate(results.days)]
    return Table(["day", *(names.get(s, s) for s in services)], rows)


def _draw_days(figure: Figure, table: Table, ylabel: str, stacked: bool) -> Any:
    """One bar group or point per service day, the days as labels (about ten of them, whatever the range)."""
    axes = figure.subplots()
    positions = list(range(len(table.rows)))
    # A bar or a marker per day reads well for a month; for a year they would be a thousand shapes
    # that nobody tells apart (and a slow, heavy SVG): areas and plain lines then.
    many = len(positions) > LONG_RANGE_DAYS
    bottom = [0.0] * len(positions)
    for index, column in enumerate(table.columns[1:], start=1):
        values = [r[index] for r in table.rows]
        colour = INK[(index - 1) % len(INK)]
        if stacked:
            top = [b + (v or 0) for b, v in zip(bottom, values, strict=True)]
            if many:
                axes.fill_between(positions, bottom, top, color=colour, label=column, linewidth=0)
            else:
                axes.bar(positions, values, bottom=bottom, color=colour, label=column, width=0.8)
            bottom = top
        else:
            shown = [float("nan") if v is None else v for v in values]
            axes.plot(positions, shown, color=colour, marker=None if many else "o", markersize=3, label=column)
    step = max(1, len(positions) // 10)
    labels = [date.fromisoformat(r[0]).strftime("%d.%m.") for r in table.rows]
    axes.set_xticks(positions[::step], labels[::step], rotation=45, ha="right")
    axes.set_xlim(-0.6, len(positions) - 0.4)
    axes.set_ylabel(ylabel)
    if len(table.columns) > 1:
        axes.legend(frameon=False, fontsize=8)
    return axes


def _draw_service_level(figure: Figure, table: Table, _: Translate) -> None:
    axes = _draw_days(figure, table, _("Called within the target (%)"), stacked=False)
    axes.set_ylim(0, 105)
    if len(table.columns) == 1:
        axes.text(0.5, 0.5, _("No service has a target set."), transform=axes.transAxes, ha="center")


TURNED_AWAY_NAMES = {
    "quota_exhausted": N_("Quota used up"),
    "service_closed": N_("Closed"),
    "rate_limited": N_("Too fast"),
    "no_later_slots": N_("No later slot left"),
}


def _turned_away_table(results: RangeResults, _names: dict[str, str]) -> Table:
    reasons = list(results.turned_away)
    rows = [[day, *(results.turned_away[r][i] for r in reasons)] for i, day in enumerate(results.days)]
    return Table(["day", *reasons], rows)


def _draw_turned_away(figure: Figure, table: Table, _: Translate) -> None:
    shown = Table(["day", *(_(TURNED_AWAY_NAMES.get(c, c)) for c in table.columns[1:])], table.rows)
    _from_zero(_draw_days(figure, shown, _("People turned away"), stacked=True))


PLOTS: dict[str, Plot] = {
    plot.name: plot
    for plot in (
        Plot(
            "arrivals",
            N_("Arrivals and calls per hour"),
            N_("Bars: tickets drawn per hour of the day; line: calls per hour."),
            _arrivals_table,
            _draw_arrivals,
        ),
        Plot(
            "waits",
            N_("How long people waited"),
            N_("Calls by minutes waited, in steps of ten minutes."),
            _waits_table,
            _draw_waits,
        ),
        Plot(
            "service-level",
            N_("Service level per day"),
            N_("Per service with a target: the share of calls within the target, each day."),
            _service_level_table,
            _draw_service_level,
        ),
        Plot(
            "turned-away",
            N_("Turned away per day"),
            N_("People who asked for a ticket or a later slot and got none, each day, by reason."),
            _turned_away_table,
            _draw_turned_away,
        ),
    )
}


def svg(plot: Plot, table: Table, translate: Translate) -> bytes:
    """The plot drawn as SVG, A4-friendly (it scales; text stays text)."""
    with _drawing:
        figure = Figure(figsize=(6.4, 3.4), layout="constrained")
        plot.draw(figure, table, translate)
        out = io.BytesIO()
        figure.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()
