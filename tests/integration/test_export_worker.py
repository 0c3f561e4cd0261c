"""A real Celery worker makes a queued export job's file from the broker (Redis and PostgreSQL in CI)."""

from __future__ import annotations

import io
import time

import openpyxl
import pytest

from exports.models import ExportJob, JobState
from exports.tasks import run_export
from tests.exports.conftest import D, dept_staff, history, on  # noqa: F401  (fixtures)
from tests.integration.test_celery_worker import worker  # noqa: F401  (fixture)

pytestmark = pytest.mark.integration


def test_a_real_worker_makes_a_queued_monthly_report(worker, history, people):  # noqa: F811
    queue, _node, process = worker
    with on(D(2020, 12, 10)):
        job = ExportJob.objects.create(
            requested_by=people["supervisor"],
            kind="monthly",
            fmt="xlsx",
            plan=history.plan,
            month=D(2020, 9, 1),
            filename="september.xlsx",
        )
    run_export.apply_async(args=[job.pk], queue=queue)
    run_export.apply_async(args=[job.pk], queue=queue)  # delivered twice: the second finds it taken and does nothing

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        job.refresh_from_db()
        if job.state in (JobState.DONE, JobState.FAILED):
            break
        time.sleep(0.25)

    assert process.poll() is None, "the worker process died"
    assert (job.state, job.progress, job.error) == (JobState.DONE, 100, "")
    sheet = openpyxl.load_workbook(io.BytesIO(job.file.read()))["推进情况"]
    assert [row[0] for row in sheet.iter_rows(values_only=True) if isinstance(row[0], int)] == [1, 2, 3]
