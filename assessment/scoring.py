"""The assessment score (考核得分): a pure formula over plain numbers and weights.

A unit starts at 100 points. Each of five components measures a shortfall between 0 (nothing
wrong) and 1 (as bad as it counts), and takes `weight × shortfall` points off, rounded to
two decimals:

1. Report punctuality (报送及时): of the reports the unit had to file in the period (one per
   reporting cycle of every task it held, due in the period), the share not filed by the due
   date. A late report counts as `late_report_credit` of an on-time one (0.5 by default), a
   missing one as nothing:
       shortfall = 1 − (on_time + late_report_credit × late) / required    (0 when none was required)
2. On-time completion (按时办结): of the assignments completed in the period or still open past
   their deadline at its end, the share not completed by the (granted) deadline:
       shortfall = (completed_late + open_overdue) / (completed_on_time + completed_late + open_overdue)
3. Overdue days (逾期天数): the days, within the period, that the unit's assignments spent past
   their deadline while not completed, summed over the assignments:
       shortfall = min(1, overdue_days / overdue_days_cap)
4. Escalations received (被督办): the escalations (督办) raised on the unit's assignments in the period:
       shortfall = min(1, escalations / escalation_cap)
5. Escalation response time (督办反馈用时): the mean days from each of those escalations to the
   unit's first written response (an unanswered one counts up to the end of the period):
       shortfall = min(1, mean_response_days / response_days_cap)    (0 when there was no escalation)

score = 100 − Σ round(weight × shortfall, 2). The weights add up to at most 100, so the score
lies between 0 and 100; with the default weights (30, 30, 20, 10, 10) a unit that files every
report late and nothing else goes wrong scores 100 − 30 × 0.5 = 85.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
ZERO = Decimal(0)
ONE = Decimal(1)

COMPONENTS = ("reports", "completion", "overdue", "escalations", "response")


@dataclass(frozen=True)
class Measures:
    """What one unit did in a period, as counts and sums gathered from the database."""

    reports_required: int = 0
    reports_on_time: int = 0
    reports_late: int = 0
    completed_on_time: int = 0
    completed_late: int = 0
    open_overdue: int = 0
    overdue_days: int = 0
    escalations: int = 0
    response_days_total: Decimal = ZERO  # days from each escalation to its first response, summed

    @property
    def reports_missing(self) -> int:
        """Return the required reports filed neither on time nor late."""
        return max(self.reports_required - self.reports_on_time - self.reports_late, 0)

    @property
    def completion_total(self) -> int:
        """Return the assignments the completion component judges."""
        return self.completed_on_time + self.completed_late + self.open_overdue

    @property
    def response_days_mean(self) -> Decimal | None:
        """Return the mean days to respond to an escalation, or None when there was none."""
        if not self.escalations:
            return None
        return Decimal(self.response_days_total) / self.escalations


@dataclass(frozen=True)
class Weights:
    """The points each component can take off, and the scales that normalise the measures."""

    reports: Decimal = Decimal(30)
    completion: Decimal = Decimal(30)
    overdue: Decimal = Decimal(20)
    escalations: Decimal = Decimal(10)
    response: Decimal = Decimal(10)
    late_report_credit: Decimal = Decimal("0.5")
    overdue_days_cap: int = 60
    escalation_cap: int = 5
    response_days_cap: int = 10

    def weight_of(self, component: str) -> Decimal:
        """Return the weight of a component by its key."""
        return Decimal(getattr(self, component))


@dataclass(frozen=True)
class Component:
    """One component's part in a score: its shortfall (0–1), its weight and the points it took off."""

    key: str
    shortfall: Decimal
    weight: Decimal
    deduction: Decimal

    @property
    def points(self) -> Decimal:
        """Return the points the component kept (its weight less its deduction)."""
        return self.weight - self.deduction


@dataclass(frozen=True)
class Score:
    """A unit's score and how each component made it."""

    total: Decimal
    components: tuple[Component, ...]

    def component(self, key: str) -> Component:
        """Return the component with the given key."""
        return next(item for item in self.components if item.key == key)


def _share(part: Decimal | int, whole: Decimal | int) -> Decimal:
    """Return part / whole capped to [0, 1]; nothing out of nothing is no shortfall."""
    if not whole:
        return ZERO
    return min(ONE, max(ZERO, Decimal(part) / Decimal(whole)))


def shortfalls(measures: Measures, weights: Weights) -> dict[str, Decimal]:
    """Return each component's shortfall between 0 and 1 (see the module docstring)."""
    credit = min(ONE, max(ZERO, Decimal(weights.late_report_credit)))
    filed = measures.reports_on_time + credit * measures.reports_late
    reports = ONE - _share(filed, measures.reports_required) if measures.reports_required else ZERO
    mean = measures.response_days_mean
    return {
        "reports": reports,
        "completion": _share(measures.completed_late + measures.open_overdue, measures.completion_total),
        "overdue": _share(measures.overdue_days, weights.overdue_days_cap),
        "escalations": _share(measures.escalations, weights.escalation_cap),
        "response": ZERO if mean is None else _share(mean, weights.response_days_cap),
    }


def score(measures: Measures, weights: Weights) -> Score:
    """Return the unit's score: 100 less weight × shortfall for each component, each rounded to 0.01."""
    components = []
    for key, shortfall in shortfalls(measures, weights).items():
        weight = weights.weight_of(key)
        deduction = (weight * shortfall).quantize(CENT, rounding=ROUND_HALF_UP)
        components.append(Component(key=key, shortfall=shortfall, weight=weight, deduction=deduction))
    total = HUNDRED - sum((item.deduction for item in components), ZERO)
    return Score(total=total.quantize(CENT), components=tuple(components))
