"""Shape the dashboard's figures for the page: tables, chart data and the review-list link behind each figure.

Every bar, segment, point and cell carries the URL of the review list (督查台, `plans:review`)
filtered to what it counts, so a click (or the link in the data table under the chart) opens
the list behind it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dashboard.selectors import (
    LIGHTS,
    LightBreakdown,
    TrendPoint,
    UnitFigures,
    completion_trend,
    light_breakdown,
    month_end,
    plan_months,
    unit_figures,
)
from plans.lights import Light
from plans.models import Plan

# Chart colours, matching the lights of static/css/app.css (yellow is brighter here: a fill, not text).
LIGHT_COLOURS = {"red": "#c62828", "yellow": "#e0a100", "green": "#2e7d32", "grey": "#9aa0a6", "done": "#1f5fad"}
PUNCTUALITY_COLOURS = {"on_time": "#2e7d32", "late": "#e0a100", "missing": "#c62828", "overdue": "#6a1b9a"}


def review_url(
    *,
    plan: int,
    section: int | None = None,
    unit: int | None = None,
    lights: tuple[str, ...] = LIGHTS,
    due_from: datetime.date | None = None,
    due_to: datetime.date | None = None,
    missing: bool = False,
) -> str:
    """Return the URL of the review list (督查台) under the given filters (every light unless told)."""
    query: list[tuple[str, object]] = [("plan", plan)]
    if section is not None:
        query.append(("section", section))
    if unit is not None:
        query.append(("unit", unit))
    query.extend(("light", light) for light in lights)
    if due_from is not None:
        query.append(("due_from", due_from.isoformat()))
    if due_to is not None:
        query.append(("due_to", due_to.isoformat()))
    if missing:
        query.append(("missing", "1"))
    return f"{reverse('plans:review')}?{urlencode(query)}"


def month_label(month: datetime.date, *, with_year: bool = False) -> str:
    """Return 7月, or 2020年7月 with the year."""
    if with_year:
        return _("%(year)s年%(month)s月") % {"year": month.year, "month": month.month}
    return _("%(month)s月") % {"month": month.month}


@dataclass
class HeatCell:
    """One unit's punctuality in one month, as the data table shows it."""

    on_time: int = 0
    late: int = 0
    missing: int = 0
    rate: float | None = None

    @property
    def empty(self) -> bool:
        """Return whether no report was due or filed in the month."""
        return not (self.on_time or self.late or self.missing)


@dataclass
class Dashboard:
    """Everything the dashboard page shows for one plan as of one day."""

    plan: Plan
    today: datetime.date
    whole: LightBreakdown
    parts: list[LightBreakdown]
    trend: list[TrendPoint]
    units: list[UnitFigures]
    months: list[datetime.date]

    @property
    def missing_total(self) -> int:
        """Return the missing reports of every unit."""
        return sum(unit.punctuality.missing for unit in self.units)

    @property
    def overdue_total(self) -> int:
        """Return the overdue assignments of every unit."""
        return sum(unit.overdue for unit in self.units)

    @property
    def late_total(self) -> int:
        """Return the reports filed late by every unit."""
        return sum(unit.punctuality.late for unit in self.units)

    @property
    def on_time_total(self) -> int:
        """Return the reports filed on time by every unit."""
        return sum(unit.punctuality.on_time for unit in self.units)

    # --- links ------------------------------------------------------------------------------------

    def light_url(self, light: str, section_id: int | None = None) -> str:
        """Return the review list of the plan (or one part) at one light."""
        return review_url(plan=self.plan.pk, section=section_id, lights=(light,))

    def part_url(self, part: LightBreakdown) -> str | None:
        """Return the review list of every assignment of a part, or None for tasks outside any part."""
        if part.section_id is None:
            return None
        return review_url(plan=self.plan.pk, section=part.section_id)

    def month_url(self, month: datetime.date) -> str:
        """Return the review list of the assignments whose deadline falls in the month."""
        return review_url(plan=self.plan.pk, due_from=month, due_to=month_end(month))

    def unit_url(self, unit: UnitFigures) -> str:
        """Return the review list of every assignment of the unit in the plan."""
        return review_url(plan=self.plan.pk, unit=unit.unit_id)

    def unit_missing_url(self, unit: UnitFigures) -> str:
        """Return the review list of the unit's assignments whose report for this cycle is missing."""
        return review_url(plan=self.plan.pk, unit=unit.unit_id, missing=True)

    def unit_overdue_url(self, unit: UnitFigures) -> str:
        """Return the review list of the unit's red assignments whose deadline has passed."""
        return review_url(
            plan=self.plan.pk,
            unit=unit.unit_id,
            lights=(Light.RED.value,),
            due_to=self.today - datetime.timedelta(days=1),
        )

    # --- what the tables show ---------------------------------------------------------------------

    @property
    def stat_urls(self) -> dict[str, str]:
        """Return the links of the headline figures: every assignment, each light, and this cycle's missing reports."""
        urls = {light: self.light_url(light) for light in LIGHTS}
        urls["all"] = review_url(plan=self.plan.pk)
        urls["missing"] = review_url(plan=self.plan.pk, missing=True)
        return urls

    def trend_rows(self) -> list[dict]:
        """Return each month's point with the link to the assignments due that month."""
        return [
            {"point": point, "label": month_label(point.month, with_year=True), "url": self.month_url(point.month)}
            for point in self.trend
        ]

    @property
    def month_labels(self) -> list[str]:
        """Return the heat map's month headings (7月, 8月…)."""
        return [month_label(month) for month in self.months]

    def unit_rows(self) -> list[dict]:
        """Return each unit's figures with the links behind them."""
        return [
            {
                "unit": unit,
                "url": self.unit_url(unit),
                "missing_url": self.unit_missing_url(unit),
                "overdue_url": self.unit_overdue_url(unit),
            }
            for unit in self.units
        ]

    def light_rows(self) -> list[dict]:
        """Return the rows of the light table: the plan first, then each part, each count with its link."""
        rows = []
        for label, breakdown, section_id, is_part in [(_("全部"), self.whole, None, False)] + [
            (part.label or _("未归入篇章"), part, part.section_id, True) for part in self.parts
        ]:
            linkable = not is_part or section_id is not None
            rows.append(
                {
                    "label": label,
                    "total": breakdown.total,
                    "rate": breakdown.completion_rate,
                    "url": (self.part_url(breakdown) if is_part else review_url(plan=self.plan.pk)),
                    "cells": [
                        {
                            "light": light,
                            "count": breakdown.counts[light],
                            "url": self.light_url(light, section_id) if linkable else None,
                        }
                        for light in LIGHTS
                    ],
                }
            )
        return rows

    def heat_rows(self) -> list[dict]:
        """Return each unit with one cell per month of the heat map."""
        rows = []
        for unit in self.units:
            cells = []
            for month in self.months:
                figures = unit.months.get(month)
                cell = HeatCell()
                if figures is not None:
                    cell = HeatCell(figures.on_time, figures.late, figures.missing, figures.on_time_rate)
                cells.append(cell)
            rows.append({"unit": unit, "url": self.unit_url(unit), "cells": cells})
        return rows

    # --- what the charts draw ---------------------------------------------------------------------

    def chart_data(self) -> dict:
        """Return the charts' data (for json_script): values, labels, colours and the URL behind each item."""
        light_names = {light: str(Light(light).label) for light in LIGHTS}
        heat_rows = self.heat_rows()
        cells = []
        for y, row in enumerate(heat_rows):
            for x, cell in enumerate(row["cells"]):
                if not cell.empty:
                    cells.append([x, y, cell.rate, cell.on_time, cell.late, cell.missing])
        return {
            "labels": {
                "completionRate": _("办结率"),
                "meanPercent": _("平均填报进度"),
                "onTime": _("按时报送"),
                "late": _("逾期报送"),
                "missing": _("缺报"),
                "overdue": _("逾期未办结"),
                "onTimeRate": _("按时率"),
                "asOf": _("截至"),
                "heatBands": [_("低于50%"), _("50%–80%"), _("80%–99%"), _("全部按时")],
            },
            "lights": [{"key": light, "name": light_names[light], "color": LIGHT_COLOURS[light]} for light in LIGHTS],
            "colours": PUNCTUALITY_COLOURS,
            "plan": {
                "total": self.whole.total,
                "rate": self.whole.completion_rate,
                "items": [
                    {
                        "key": light,
                        "name": light_names[light],
                        "value": self.whole.counts[light],
                        "url": self.light_url(light),
                    }
                    for light in LIGHTS
                ],
            },
            "parts": {
                "names": [part.label or str(_("未归入篇章")) for part in self.parts],
                "rates": [part.completion_rate for part in self.parts],
                "series": {
                    light: [
                        {
                            "value": part.counts[light],
                            "url": self.light_url(light, part.section_id) if part.section_id is not None else None,
                        }
                        for part in self.parts
                    ]
                    for light in LIGHTS
                },
            },
            "trend": {
                "months": [month_label(point.month) for point in self.trend],
                "asOf": [date_format(point.as_of, "DATE_FORMAT") for point in self.trend],
                "completion": [
                    {"value": point.completion_rate, "url": self.month_url(point.month)} for point in self.trend
                ],
                "percent": [{"value": point.mean_percent, "url": self.month_url(point.month)} for point in self.trend],
            },
            "units": {
                "names": [unit.name for unit in self.units],
                "onTime": [{"value": u.punctuality.on_time, "url": self.unit_url(u)} for u in self.units],
                "late": [{"value": u.punctuality.late, "url": self.unit_url(u)} for u in self.units],
                "missing": [{"value": u.punctuality.missing, "url": self.unit_missing_url(u)} for u in self.units],
                "overdue": [{"value": u.overdue, "url": self.unit_overdue_url(u)} for u in self.units],
            },
            "heatmap": {
                "units": [unit.name for unit in self.units],
                "months": self.month_labels,
                "cells": cells,
                "urls": [row["url"] for row in heat_rows],
            },
        }


def dashboard_for(*, plan: Plan, today: datetime.date) -> Dashboard:
    """Return the dashboard of a plan as of the day, in a fixed number of queries (six)."""
    whole, parts = light_breakdown(plan=plan, today=today)
    return Dashboard(
        plan=plan,
        today=today,
        whole=whole,
        parts=parts,
        trend=completion_trend(plan=plan, today=today),
        units=unit_figures(plan=plan, today=today),
        months=[month for month, _as_of in plan_months(plan, today=today)],
    )
