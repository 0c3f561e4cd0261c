"""manage.py scan_reminders: every scan once, synchronously; a second run at the same time creates nothing."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from plans.models import Escalation, Reminder
from reminders.models import Delivery, DeliveryState


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("scan_reminders", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    monkeypatch.setattr("reminders.fanout.transaction.on_commit", lambda callback: None)


def test_the_command_prints_what_it_created_and_a_second_run_creates_none(hold, people):
    hold(datetime.date(2020, 11, 20))

    first = run("--now", "2020-12-01T09:00")
    second = run("--now", "2020-12-01T09:00")

    assert "完成时限扫描：新增催办 1 条，新增督办 1 条" in first
    assert "报送周期扫描：新增催办 0 条，新增督办 1 条" in first  # November's report, due 11-25, is missing
    assert "合计：新增催办 1 条，新增督办 2 条" in first
    assert "合计：新增催办 0 条，新增督办 0 条" in second
    assert (Reminder.objects.count(), Escalation.objects.count()) == (1, 2)


def test_on_a_day_off_the_command_says_so(hold, people):
    hold(datetime.date(2020, 9, 1))

    output = run("--now", "2020-10-03T09:00")

    assert "非工作日" in output and "国庆节" in output
    assert not Reminder.objects.exists()


def test_send_delivers_the_due_messages_in_process(hold, people):
    people["unit_staff"].email = "staff@school.example.cn"
    people["unit_staff"].save()
    hold(datetime.date(2020, 12, 8))

    output = run("--now", "2020-12-01T09:00", "--send")

    # The deadline is a week away, and November's report is missing: one reminder, one escalation.
    assert "外发：已送达 2 条，未送达 0 条" in output
    assert [message.to for message in mail.outbox] == [["staff@school.example.cn"]] * 2
    assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.SENT}


def test_a_malformed_time_is_refused(db):
    with pytest.raises(CommandError, match="ISO"):
        run("--now", "12/01/2020")


@pytest.mark.slow
def test_on_the_demo_data_after_the_live_plans_deadlines_reminders_are_created(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=io.StringIO())

    first = run("--now", "2027-01-05T09:00")
    second = run("--now", "2027-01-05T09:00")

    created = Reminder.objects.filter(scan_run__isnull=False).count()
    assert created > 0
    assert Escalation.objects.filter(scan_run__isnull=False, level="blue").exists()
    assert f"合计：新增催办 {created} 条" in first
    assert "合计：新增催办 0 条，新增督办 0 条" in second
