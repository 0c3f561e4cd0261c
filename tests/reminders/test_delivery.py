"""Delivery from rows: claim, send once, record every attempt, back off, recover lost claims."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from core import clock
from plans.models import Reminder, ReminderKind
from plans.services.errors import WorkflowError
from reminders import delivery as delivery_module
from reminders.channels import DeliveryFailed
from reminders.delivery import (
    backoff,
    deliveries_recover,
    delivery_retry,
    delivery_send,
    due_delivery_ids,
)
from reminders.fanout import enqueue_deliveries
from reminders.models import (
    AttemptOutcome,
    Channel,
    ChannelPreference,
    Delivery,
    DeliveryState,
    RobotKind,
    UnitRobot,
)
from tests.reminders.conftest import at

NOON = at(2020, 9, 15, 12, 0)  # a Tuesday


@pytest.fixture
def reminder(hold, people):
    return Reminder.objects.create(assignment=hold(), kind=ReminderKind.OVERDUE, period_key="overdue-0@2020-09-01")


@pytest.fixture
def email_delivery(reminder, people):
    return Delivery.objects.create(
        key=f"r{reminder.pk}:email:u{people['unit_staff'].pk}",
        reminder=reminder,
        channel=Channel.EMAIL,
        recipient=people["unit_staff"],
        address="staff@school.example.cn",
        subject="逾期催办：1 测试任务",
        text="已逾期1天。",
        url="http://127.0.0.1:8000/tasks/1/",
        not_before=NOON,
        created_at=NOON,
    )


def failing(detail: str, *, retryable: bool):
    def send(channel, **kwargs):
        raise DeliveryFailed(detail, retryable=retryable)

    return send


class TestSending:
    def test_a_due_delivery_is_sent_once_and_its_attempt_recorded(self, email_delivery):
        with clock.frozen_at(NOON):
            first = delivery_send(delivery_id=email_delivery.pk, worker="w1")
            second = delivery_send(delivery_id=email_delivery.pk, worker="w2")

        assert first.state == DeliveryState.SENT and second is None
        assert len(mail.outbox) == 1
        assert mail.outbox[0].extra_headers["X-Tracker-Delivery-Key"] == email_delivery.key
        email_delivery.refresh_from_db()
        assert (email_delivery.state, email_delivery.sent_at, email_delivery.attempts) == (DeliveryState.SENT, NOON, 1)
        [attempt] = email_delivery.tries.all()
        assert (attempt.number, attempt.worker, attempt.outcome, attempt.finished_at) == (1, "w1", "ok", NOON)

    def test_a_delivery_not_yet_due_is_left_alone(self, email_delivery):
        with clock.frozen_at(NOON - datetime.timedelta(minutes=1)):
            assert delivery_send(delivery_id=email_delivery.pk) is None
        assert not mail.outbox and not email_delivery.tries.exists()

    def test_a_delivery_another_worker_holds_is_left_alone(self, email_delivery):
        Delivery.objects.filter(pk=email_delivery.pk).update(state=DeliveryState.SENDING, claimed_at=NOON)

        with clock.frozen_at(NOON):
            assert delivery_send(delivery_id=email_delivery.pk) is None
        assert not mail.outbox

    def test_a_retryable_failure_backs_off_and_a_later_try_succeeds(self, email_delivery, monkeypatch):
        real_send = delivery_module.send_message
        monkeypatch.setattr(delivery_module, "send_message", failing("连接超时（8秒）", retryable=True))
        with clock.frozen_at(NOON):
            outcome = delivery_send(delivery_id=email_delivery.pk)

        assert outcome.state == DeliveryState.PENDING
        assert outcome.retry_at == NOON + datetime.timedelta(seconds=60)
        email_delivery.refresh_from_db()
        assert (email_delivery.last_error, email_delivery.not_before) == ("连接超时（8秒）", outcome.retry_at)

        monkeypatch.setattr(delivery_module, "send_message", real_send)
        with clock.frozen_at(NOON + datetime.timedelta(seconds=30)):
            assert delivery_send(delivery_id=email_delivery.pk) is None  # still backing off
        with clock.frozen_at(NOON + datetime.timedelta(seconds=61)):
            assert delivery_send(delivery_id=email_delivery.pk).state == DeliveryState.SENT

        outcomes = list(email_delivery.tries.values_list("number", "outcome", "detail"))
        assert outcomes == [(1, "failed", "连接超时（8秒）"), (2, "ok", "已投递至邮件服务器")]

    def test_backoff_doubles(self, settings):
        settings.DELIVERY_RETRY_BASE_SECONDS = 60
        assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]

    def test_after_the_last_attempt_the_delivery_fails(self, email_delivery, monkeypatch, settings):
        settings.DELIVERY_MAX_ATTEMPTS = 2
        monkeypatch.setattr(delivery_module, "send_message", failing("HTTP 503", retryable=True))

        with clock.frozen_at(NOON):
            delivery_send(delivery_id=email_delivery.pk)
        with clock.frozen_at(NOON + datetime.timedelta(hours=1)):
            outcome = delivery_send(delivery_id=email_delivery.pk)

        assert outcome.state == DeliveryState.FAILED
        assert email_delivery.tries.count() == 2

    def test_a_permanent_failure_is_not_retried(self, email_delivery, monkeypatch):
        monkeypatch.setattr(delivery_module, "send_message", failing("收件地址无效", retryable=False))

        with clock.frozen_at(NOON):
            outcome = delivery_send(delivery_id=email_delivery.pk)

        assert outcome.state == DeliveryState.FAILED
        email_delivery.refresh_from_db()
        assert email_delivery.last_error == "收件地址无效"

    def test_an_unexpected_error_is_recorded_and_retried(self, email_delivery, monkeypatch):
        def broken(channel, **kwargs):
            raise KeyError("template")

        monkeypatch.setattr(delivery_module, "send_message", broken)
        with clock.frozen_at(NOON):
            outcome = delivery_send(delivery_id=email_delivery.pk)

        assert outcome.state == DeliveryState.PENDING
        assert "KeyError" in email_delivery.tries.get().detail

    def test_a_retry_landing_in_quiet_hours_waits_without_an_attempt(self, email_delivery, people):
        ChannelPreference.objects.create(
            user=people["unit_staff"], quiet_start=datetime.time(21, 0), quiet_end=datetime.time(8, 0)
        )
        late = at(2020, 9, 15, 22, 0)
        with clock.frozen_at(late):
            outcome = delivery_send(delivery_id=email_delivery.pk)

        assert outcome.retry_at == at(2020, 9, 16, 8, 0)
        assert not email_delivery.tries.exists() and not mail.outbox

    def test_a_disabled_robot_fails_without_a_request(self, reminder, bureau):
        robot = UnitRobot.objects.create(
            unit=bureau["school"], kind=RobotKind.WECOM, webhook_url="https://qyapi.weixin.qq.com/x?key=k"
        )
        delivery = Delivery.objects.create(
            key="r1:wecom:robot1",
            reminder=reminder,
            channel=Channel.WECOM,
            robot=robot,
            subject="s",
            text="t",
            not_before=NOON,
        )
        robot.is_active = False
        robot.save()

        with clock.frozen_at(NOON):
            outcome = delivery_send(delivery_id=delivery.pk)

        assert outcome.state == DeliveryState.FAILED
        assert "停用" in outcome.detail

    def test_the_level_label_is_not_doubled_before_the_subject(self, reminder, monkeypatch):
        seen = []
        monkeypatch.setattr(delivery_module, "send_message", lambda channel, **kw: seen.append(kw["message"]) or "ok")
        delivery = Delivery.objects.create(
            key="e1:email:u1",
            reminder=reminder,
            channel=Channel.EMAIL,
            address="a@b.cn",
            subject="【红色督办】1 测试任务",
            text="t",
            level="red",
            not_before=NOON,
        )

        with clock.frozen_at(NOON):
            delivery_send(delivery_id=delivery.pk)

        assert (seen[0].subject, seen[0].level) == ("1 测试任务", "red")


class TestRecovery:
    def test_a_claim_older_than_the_lease_is_taken_back_and_its_attempt_marked_interrupted(
        self, email_delivery, settings
    ):
        settings.DELIVERY_LEASE_SECONDS = 120
        with clock.frozen_at(NOON):
            delivery_module._claim(email_delivery.pk, "killed-worker")  # the worker dies here

        assert deliveries_recover(now=NOON + datetime.timedelta(seconds=60)) == 0
        assert deliveries_recover(now=NOON + datetime.timedelta(seconds=121)) == 1

        email_delivery.refresh_from_db()
        assert email_delivery.state == DeliveryState.PENDING
        assert email_delivery.tries.get().outcome == AttemptOutcome.INTERRUPTED
        with clock.frozen_at(NOON + datetime.timedelta(seconds=122)):
            assert delivery_send(delivery_id=email_delivery.pk).state == DeliveryState.SENT
        assert list(email_delivery.tries.values_list("outcome", flat=True)) == ["interrupted", "ok"]
        assert mail.outbox[0].extra_headers["X-Tracker-Delivery-Key"] == email_delivery.key

    def test_a_worker_finishing_after_its_claim_was_taken_back_does_not_overwrite_the_new_state(
        self, email_delivery, settings
    ):
        settings.DELIVERY_LEASE_SECONDS = 1
        with clock.frozen_at(NOON):
            claimed, attempt = delivery_module._claim(email_delivery.pk, "slow-worker")
        deliveries_recover(now=NOON + datetime.timedelta(seconds=5))
        with clock.frozen_at(NOON + datetime.timedelta(seconds=6)):
            delivery_send(delivery_id=email_delivery.pk, worker="new-worker")
            late = delivery_module._finish(claimed, attempt, ok=False, detail="HTTP 500", retryable=True)

        assert late.state == DeliveryState.SENT
        email_delivery.refresh_from_db()
        assert email_delivery.state == DeliveryState.SENT

    def test_the_sweep_queues_due_deliveries_once_in_five_minutes(self, email_delivery):
        assert due_delivery_ids(now=NOON) == [email_delivery.pk]
        assert due_delivery_ids(now=NOON + datetime.timedelta(minutes=1)) == []
        assert due_delivery_ids(now=NOON + datetime.timedelta(minutes=6)) == [email_delivery.pk]

    def test_queueing_publishes_after_commit_to_the_reminder_queue(
        self, email_delivery, monkeypatch, settings, django_capture_on_commit_callbacks
    ):
        settings.REMINDER_QUEUE = "reminders-test"
        published = []
        monkeypatch.setattr(
            "reminders.tasks.send_deliveries.apply_async",
            lambda args, queue, **kwargs: published.append((args, queue)),
        )

        with django_capture_on_commit_callbacks(execute=True):
            enqueue_deliveries([email_delivery.pk], mark_queued=True)

        assert published == [([[email_delivery.pk]], "reminders-test")]
        email_delivery.refresh_from_db()
        assert email_delivery.queued_at is not None

    def test_a_broker_that_refuses_loses_nothing(self, email_delivery, monkeypatch, django_capture_on_commit_callbacks):
        def down(*args, **kwargs):
            raise ConnectionError("broker down")

        monkeypatch.setattr("reminders.tasks.send_deliveries.apply_async", down)
        with django_capture_on_commit_callbacks(execute=True):
            enqueue_deliveries([email_delivery.pk], mark_queued=True)

        later = clock.now() + datetime.timedelta(minutes=6)
        assert due_delivery_ids(now=later) == [email_delivery.pk]


class TestRetryByHand:
    def test_a_supervisor_can_send_a_failed_delivery_again_and_it_is_audited(self, email_delivery, people, monkeypatch):
        monkeypatch.setattr("reminders.fanout.transaction.on_commit", lambda callback: None)
        Delivery.objects.filter(pk=email_delivery.pk).update(state=DeliveryState.FAILED, last_error="HTTP 500")

        delivery_retry(actor=people["supervisor"], delivery=email_delivery)

        email_delivery.refresh_from_db()
        assert email_delivery.state == DeliveryState.PENDING
        assert AuditEvent.objects.filter(verb="delivery.retry").count() == 1

    def test_a_unit_cannot_and_a_pending_delivery_need_not_be_retried(self, email_delivery, people):
        with pytest.raises(PermissionDenied):
            delivery_retry(actor=people["unit_manager"], delivery=email_delivery)
        with pytest.raises(WorkflowError):
            delivery_retry(actor=people["supervisor"], delivery=email_delivery)
        email_delivery.refresh_from_db()
        assert email_delivery.state == DeliveryState.PENDING
        assert not AuditEvent.objects.filter(verb="delivery.retry").exists()
