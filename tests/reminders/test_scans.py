"""The scans with a frozen clock: which reminders and escalations they write, once, and to whom."""

from __future__ import annotations

import datetime

import pytest

from accounts.models import Role
from notifications.models import Notification
from plans.models import (
    AssignmentStatus,
    Escalation,
    PlanStatus,
    Reminder,
    ReminderKind,
    ReportApproval,
)
from reminders.models import Channel, ChannelPreference, Delivery, RobotKind, ScanRun, UnitRobot
from reminders.scans import run_all_scans, scan_deadlines, scan_reporting_cycles
from tests.factories import UserFactory
from tests.reminders.conftest import at

D = datetime.date


def keys(kind: str) -> list[str]:
    return sorted(Reminder.objects.filter(kind=kind).values_list("period_key", flat=True))


def levels() -> list[tuple[str, str]]:
    return sorted(Escalation.objects.values_list("level", "period_key"))


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    """Scans queue deliveries on commit; these tests check the rows, not the broker."""
    monkeypatch.setattr("reminders.fanout.transaction.on_commit", lambda callback: None)


class TestBeforeDeadline:
    def test_seven_days_before_the_deadline_the_unit_is_reminded_once(self, hold, people):
        assignment = hold(D(2020, 12, 31))

        first = scan_deadlines(now=at(2020, 12, 24, 8, 30))
        again = scan_deadlines(now=at(2020, 12, 24, 8, 30))

        assert (first.reminders, again.reminders) == (1, 0)
        reminder = Reminder.objects.get(assignment=assignment)
        assert (reminder.kind, reminder.period_key, reminder.created_by) == (
            ReminderKind.BEFORE_DEADLINE,
            "D-7@2020-12-31",
            None,
        )
        assert "还有7天" in reminder.message
        inbox = Notification.objects.filter(reminder=reminder)
        assert sorted(inbox.values_list("recipient__username", flat=True)) == ["t_manager", "t_staff"]

    def test_each_offset_is_sent_on_its_day_and_not_in_between(self, hold, people):
        hold(D(2020, 12, 31))

        for day in (24, 25, 28, 29, 30, 31):
            scan_deadlines(now=at(2020, 12, day, 8, 30))

        assert keys(ReminderKind.BEFORE_DEADLINE) == [
            "D-0@2020-12-31",
            "D-1@2020-12-31",
            "D-3@2020-12-31",
            "D-7@2020-12-31",
        ]

    def test_completed_declined_and_closing_assignments_and_draft_plans_get_nothing(self, hold, bureau, people):
        hold(status=AssignmentStatus.COMPLETED)
        hold(status=AssignmentStatus.DECLINED)
        hold(status=AssignmentStatus.COMPLETION_REQUESTED)
        draft = hold()
        draft.task.plan.status = PlanStatus.DRAFT
        draft.task.plan.published_at = None
        draft.task.plan.save()

        assert scan_deadlines(now=at(2020, 12, 24, 8, 30)).reminders == 0

    def test_a_granted_extension_moves_the_clock(self, hold, people):
        assignment = hold(D(2020, 12, 31), due_on=D(2021, 1, 29))

        assert scan_deadlines(now=at(2020, 12, 24, 8, 30)).reminders == 0
        scan_deadlines(now=at(2021, 1, 22, 8, 30))

        assert keys(ReminderKind.BEFORE_DEADLINE) == ["D-7@2021-01-29"]
        assert Reminder.objects.get(assignment=assignment).period_key.endswith("2021-01-29")

    def test_a_task_handed_out_late_gets_the_latest_rung_at_once(self, hold, people):
        hold(D(2020, 12, 31), created_at=at(2020, 12, 26, 9, 0))

        scan_deadlines(now=at(2020, 12, 28, 8, 30))

        assert keys(ReminderKind.BEFORE_DEADLINE) == ["D-3@2020-12-31"]

    def test_a_task_without_a_deadline_is_not_chased(self, hold, people):
        hold(None)

        assert scan_deadlines(now=at(2020, 12, 24, 8, 30)).reminders == 0


class TestOverdueAndLadder:
    def test_overdue_reminders_repeat_every_three_days_on_working_days(self, hold, people):
        hold(D(2020, 9, 1))  # a Tuesday

        for day in range(2, 11):  # 09-05 and 09-06 are a weekend: the scan sends nothing then
            scan_deadlines(now=at(2020, 9, day, 8, 30))

        assert keys(ReminderKind.OVERDUE) == ["overdue-0@2020-09-01", "overdue-1@2020-09-01", "overdue-2@2020-09-01"]
        sent_on = {
            reminder.period_key: reminder.created_at.date()
            for reminder in Reminder.objects.filter(kind=ReminderKind.OVERDUE)
        }
        assert sent_on["overdue-1@2020-09-01"] == D(2020, 9, 7)  # due on Sat 09-05, sent Monday

    def test_the_escalation_ladder_climbs_blue_yellow_red(self, hold, people):
        assignment = hold(D(2020, 9, 1))

        for day in (3, 4, 11, 21, 22):
            scan_deadlines(now=at(2020, 9, day, 8, 30))

        assert levels() == [
            ("blue", "deadline@2020-09-01"),
            ("red", "deadline@2020-09-01"),
            ("yellow", "deadline@2020-09-01"),
        ]
        blue = Escalation.objects.get(level="blue")
        assert blue.created_at.date() == D(2020, 9, 4)  # three days overdue
        assert blue.response_due == D(2020, 9, 9)  # three working days later
        assert blue.created_by is None and blue.scan_run is not None
        assert blue.assignment == assignment

    def test_each_rung_is_told_to_more_people(self, hold, people):
        hold(D(2020, 9, 1))

        scan_deadlines(now=at(2020, 9, 4, 8, 30))
        scan_deadlines(now=at(2020, 9, 11, 8, 30))
        scan_deadlines(now=at(2020, 9, 21, 8, 30))

        def told(level: str) -> list[str]:
            escalation = Escalation.objects.get(level=level)
            return sorted(Notification.objects.filter(escalation=escalation).values_list("recipient__role", flat=True))

        unit = [Role.UNIT_MANAGER, Role.UNIT_STAFF]
        assert told("blue") == sorted(unit)
        assert told("yellow") == sorted([*unit, Role.SUPERVISOR])
        assert told("red") == sorted([*unit, Role.SUPERVISOR, Role.LEADER])

    def test_a_scan_starting_late_raises_only_the_highest_rung(self, hold, people):
        hold(D(2020, 9, 1))

        result = scan_deadlines(now=at(2020, 9, 25, 8, 30))

        assert result.escalations == 1
        assert levels() == [("red", "deadline@2020-09-01")]

    def test_the_ladder_comes_from_settings(self, hold, people, settings):
        settings.REMINDER_ESCALATION_LADDER = [("blue", 1)]
        hold(D(2020, 9, 1))

        scan_deadlines(now=at(2020, 9, 2, 8, 30))

        assert levels() == [("blue", "deadline@2020-09-01")]


class TestWorkingDays:
    def test_nothing_is_sent_on_a_holiday_and_the_run_says_why(self, hold, people):
        hold(D(2020, 9, 1))

        result = scan_deadlines(now=at(2020, 10, 1, 8, 30))

        assert (result.reminders, result.escalations) == (0, 0)
        assert "国庆节" in result.skipped_reason
        assert ScanRun.objects.get().skipped_reason == result.skipped_reason

    def test_an_adjusted_working_saturday_sends(self, hold, people):
        hold(D(2020, 9, 1))

        assert scan_deadlines(now=at(2020, 10, 10, 8, 30)).reminders == 1

    def test_the_working_day_rule_can_be_switched_off(self, hold, people, settings):
        settings.REMINDER_WORKING_DAYS_ONLY = False
        hold(D(2020, 9, 1))

        assert scan_deadlines(now=at(2020, 10, 1, 8, 30)).reminders == 1


class TestReportingCycles:
    def test_units_that_have_not_reported_are_reminded_three_days_before_the_25th(self, hold, bureau, report, people):
        quiet = hold(unit=bureau["school"])
        done = hold(unit=bureau["other_school"])
        report(done, "2020-09")

        assert scan_reporting_cycles(now=at(2020, 9, 21, 16, 0)).reminders == 0
        result = scan_reporting_cycles(now=at(2020, 9, 22, 16, 0))

        assert result.reminders == 1
        reminder = Reminder.objects.get()
        assert (reminder.assignment, reminder.kind, reminder.period_key) == (quiet, ReminderKind.REPORT_DUE, "2020-09")
        assert "2020年9月25日" in reminder.message

    def test_units_still_missing_on_the_due_day_are_escalated(self, hold, bureau, report, people):
        missing = hold(unit=bureau["school"])
        done = hold(unit=bureau["other_school"])
        report(done, "2020-09")

        scan_reporting_cycles(now=at(2020, 9, 25, 16, 0))
        scan_reporting_cycles(now=at(2020, 9, 28, 16, 0))

        escalation = Escalation.objects.get()
        assert (escalation.assignment, escalation.level, escalation.period_key) == (missing, "blue", "report@2020-09")
        assert "仍未报送" in escalation.reason

    def test_a_report_the_manager_sent_back_counts_as_missing(self, hold, report, people):
        assignment = hold()
        returned = report(assignment, "2020-09", needs_approval=True)
        ReportApproval.objects.create(
            report=returned, approved=False, note="请补充数据。", reviewer=people["unit_manager"]
        )

        assert scan_reporting_cycles(now=at(2020, 9, 22, 16, 0)).reminders == 1

    def test_a_report_waiting_for_the_managers_approval_counts_as_filed(self, hold, report, people):
        report(hold(), "2020-09", needs_approval=True)

        assert scan_reporting_cycles(now=at(2020, 9, 22, 16, 0)).reminders == 0

    def test_a_unit_that_received_the_task_during_the_period_owes_no_report_for_it(self, hold, people):
        hold(created_at=at(2020, 9, 10, 9, 0))

        assert scan_reporting_cycles(now=at(2020, 9, 22, 16, 0)).reminders == 0
        assert scan_reporting_cycles(now=at(2020, 10, 22, 16, 0)).reminders == 1

    def test_a_task_on_ten_day_reports_is_reminded_before_the_10th_20th_and_last_day(self, hold, people):
        hold(reporting_cycle="ten_day")

        for day in (7, 17, 28):
            scan_reporting_cycles(now=at(2020, 9, day, 16, 0))

        assert keys(ReminderKind.REPORT_DUE) == ["2020-09-1", "2020-09-2", "2020-09-3"]

    def test_the_plans_due_day_sets_the_reminder_day(self, hold, plan, people):
        plan.report_due_day = 10
        plan.save()
        hold()

        assert scan_reporting_cycles(now=at(2020, 9, 7, 16, 0)).reminders == 1
        assert keys(ReminderKind.REPORT_DUE) == ["2020-09"]

    def test_plans_and_tasks_on_different_cycles_are_scanned_in_one_run(self, hold, people):
        hold()  # monthly: September's report is due Fri 09-25
        hold(reporting_cycle="ten_day")  # 中旬 was due Sun 09-20, so it was escalated from Mon 09-21

        first = scan_reporting_cycles(now=at(2020, 9, 25, 16, 0))
        again = scan_reporting_cycles(now=at(2020, 9, 25, 16, 0))

        assert (first.reminders, first.escalations, again.reminders, again.escalations) == (1, 2, 0, 0)
        assert keys(ReminderKind.REPORT_DUE) == ["2020-09"]
        assert levels() == [("blue", "report@2020-09"), ("blue", "report@2020-09-2")]


class TestChannels:
    def test_people_with_an_email_get_one_delivery_each_and_robots_one_per_unit(self, hold, bureau, people):
        people["unit_staff"].email = "staff@school.example.cn"
        people["unit_staff"].save()
        UnitRobot.objects.create(
            unit=bureau["school"],
            kind=RobotKind.WECOM,
            webhook_url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
        )
        hold()

        result = scan_deadlines(now=at(2020, 12, 24, 10, 0))

        deliveries = Delivery.objects.order_by("channel")
        assert [(d.channel, d.address) for d in deliveries] == [
            (Channel.EMAIL, "staff@school.example.cn"),
            (Channel.WECOM, ""),
        ]
        assert result.deliveries == 2
        assert all(
            d.url.startswith("http") and d.url.endswith(f"/tasks/{d.reminder.assignment.task_id}/") for d in deliveries
        )

    def test_sms_only_for_people_who_chose_it_and_only_with_a_gateway(self, hold, people, settings):
        staff = people["unit_staff"]
        staff.phone = "13800138000"
        staff.save()
        ChannelPreference.objects.create(user=staff, email=False, sms=True)
        hold()

        scan_deadlines(now=at(2020, 12, 24, 10, 0))
        assert not Delivery.objects.exists()

        settings.SMS_BACKEND = "reminders.channels.sms.LocmemSmsBackend"
        scan_deadlines(now=at(2020, 12, 28, 10, 0))
        assert list(Delivery.objects.values_list("channel", "address")) == [(Channel.SMS, "13800138000")]

    def test_a_scan_in_quiet_hours_holds_outside_messages_but_not_the_inbox(self, hold, people):
        people["unit_staff"].email = "staff@school.example.cn"
        people["unit_staff"].save()
        hold()

        scan_deadlines(now=at(2020, 12, 24, 22, 30))

        delivery = Delivery.objects.get()
        assert delivery.not_before == at(2020, 12, 25, 8, 0)
        assert Notification.objects.count() == 2

    def test_a_personal_choice_of_quiet_hours_wins_over_the_default(self, hold, people):
        staff = people["unit_staff"]
        staff.email = "staff@school.example.cn"
        staff.save()
        ChannelPreference.objects.create(
            user=staff, email=True, quiet_start=datetime.time(12, 0), quiet_end=datetime.time(14, 0)
        )
        hold()

        scan_deadlines(now=at(2020, 12, 24, 12, 30))

        assert Delivery.objects.get().not_before == at(2020, 12, 24, 14, 0)

    def test_inactive_people_and_disabled_robots_get_nothing(self, hold, bureau, people):
        people["unit_staff"].is_active = False
        people["unit_staff"].save()
        UnitRobot.objects.create(
            unit=bureau["school"],
            kind=RobotKind.DINGTALK,
            webhook_url="https://oapi.dingtalk.com/robot/send?access_token=t",
            is_active=False,
        )
        hold()

        scan_deadlines(now=at(2020, 12, 24, 10, 0))

        assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["t_manager"]
        assert not Delivery.objects.exists()


class TestBatchesAndConcurrency:
    def test_small_batches_cover_every_assignment(self, hold, bureau, people):
        for _ in range(7):
            hold(D(2020, 9, 1))

        result = scan_deadlines(now=at(2020, 9, 4, 8, 30), batch_size=2)

        assert (result.reminders, result.escalations) == (7, 7)

    def test_a_row_another_scan_wrote_first_is_neither_duplicated_nor_told_twice(self, hold, people):
        assignment = hold(D(2020, 12, 31))
        Reminder.objects.create(assignment=assignment, kind=ReminderKind.BEFORE_DEADLINE, period_key="D-7@2020-12-31")

        result = scan_deadlines(now=at(2020, 12, 24, 8, 30))

        assert result.reminders == 0
        assert Reminder.objects.count() == 1
        assert not Notification.objects.exists()

    def test_every_run_is_recorded_with_its_counts(self, hold, people):
        hold(D(2020, 9, 1))

        run_all_scans(now=at(2020, 9, 4, 8, 30))

        deadlines, cycles = ScanRun.objects.order_by("pk")
        assert (deadlines.kind, deadlines.reminders_created, deadlines.escalations_created) == ("deadlines", 1, 1)
        assert cycles.kind == "cycles" and cycles.finished_at is not None
        assert deadlines.as_of == at(2020, 9, 4, 8, 30)


def test_a_unit_member_added_later_is_still_told(hold, bureau, people):
    hold(D(2020, 12, 31))
    UserFactory(username="t_new", role=Role.UNIT_STAFF, unit=bureau["school"])

    scan_deadlines(now=at(2020, 12, 24, 8, 30))

    assert Notification.objects.filter(recipient__username="t_new").count() == 1
