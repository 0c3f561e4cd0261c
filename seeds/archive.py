"""The demo's monthly report archive: what the job on the 1st stored last time it ran."""

from __future__ import annotations

import datetime

from django.utils import timezone

from core import clock
from exports.services import archive_due_months


def seed_demo_archive() -> int:
    """Archive last month's reports of the published plans as the job on this month's 1st did; return how many.

    Idempotent: months already archived are kept as they are.
    """
    first = clock.today().replace(day=1)
    moment = timezone.make_aware(datetime.datetime.combine(first, datetime.time(1, 30)))
    with clock.frozen_at(moment):
        return sum(1 for outcome in archive_due_months() if outcome.created)
