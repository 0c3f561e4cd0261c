"""Webhooks out: events from the services' records, pushed once per endpoint, signed, retried and recorded."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from django.core.exceptions import PermissionDenied

from api.webhooks import collect_webhook_events, webhook_endpoint_create
from plans.services.errors import WorkflowError
from reminders.delivery import delivery_send
from reminders.models import Channel, Delivery, DeliveryState
from tests.exports.conftest import D, on
from tests.reminders.test_channels import remote  # noqa: F401  (fixture: a local HTTP receiver)

pytestmark = pytest.mark.django_db
ALL = ["task.status_changed", "report.filed", "escalation.raised"]


@pytest.fixture
def endpoint_for(people, token_for, remote):  # noqa: F811
    def create(role: str, events=ALL):
        token, _key = token_for(people[role])
        with on(D(2020, 7, 1)):
            return webhook_endpoint_create(actor=people["admin"], token=token, url=remote.url("/hook"), events=events)

    return create


def pushed(endpoint) -> list[tuple[str, dict]]:
    rows = Delivery.objects.filter(webhook=endpoint).order_by("pk")
    return [(row.subject, json.loads(row.text)["data"]) for row in rows]


class TestCollecting:
    def test_a_supervisors_endpoint_gets_every_event_once(self, history, endpoint_for):
        endpoint, _secret = endpoint_for("supervisor")
        written = collect_webhook_events()
        events = pushed(endpoint)
        names = [name for name, _data in events]
        assert written == len(events) > 0
        assert names.count("escalation.raised") == 1
        assert names.count("report.filed") == 8  # every report, the October correction included
        statuses = [data["status"] for name, data in events if name == "task.status_changed"]
        assert {"before": "completed", "after": "in_progress"} in statuses  # December's reopening
        assert collect_webhook_events() == 0  # a second run writes nothing new
        assert all(row.channel == Channel.WEBHOOK for row in Delivery.objects.filter(webhook=endpoint))

    def test_a_schools_endpoint_gets_only_the_schools_events(self, history, endpoint_for):
        endpoint, _secret = endpoint_for("unit_staff", events=["report.filed"])
        collect_webhook_events()
        assignments = {data["assignment"] for _name, data in pushed(endpoint)}
        assert assignments == {history.lead1.pk}  # the school filed reports only on task 1
        assert {name for name, _data in pushed(endpoint)} == {"report.filed"}

    def test_events_before_the_endpoint_existed_are_not_pushed(self, history, people, token_for, remote):  # noqa: F811
        token, _key = token_for(people["supervisor"])
        with on(D(2020, 11, 1)):
            endpoint, _secret = webhook_endpoint_create(
                actor=people["admin"], token=token, url=remote.url("/hook"), events=ALL
            )
        collect_webhook_events()
        statuses = [data for name, data in pushed(endpoint) if name == "task.status_changed"]
        assert [item["status"]["after"] for item in statuses] == ["completion_requested", "completed", "in_progress"]

    def test_only_an_admin_registers_an_endpoint_with_known_events(self, people, token_for):
        token, _key = token_for(people["supervisor"])
        with pytest.raises(PermissionDenied):
            webhook_endpoint_create(actor=people["supervisor"], token=token, url="https://oa.example.cn/h", events=ALL)
        with pytest.raises(WorkflowError, match="推送地址无效"):
            webhook_endpoint_create(actor=people["admin"], token=token, url="ftp://x", events=ALL)
        with pytest.raises(WorkflowError, match="请选择要订阅的事件"):
            webhook_endpoint_create(actor=people["admin"], token=token, url="https://oa.example.cn/h", events=["x"])


class TestSending:
    def test_a_delivery_is_signed_so_the_receiver_can_check_it(self, history, endpoint_for, remote):  # noqa: F811
        endpoint, secret = endpoint_for("supervisor", events=["escalation.raised"])
        collect_webhook_events()
        delivery = Delivery.objects.get(webhook=endpoint)
        outcome = delivery_send(delivery_id=delivery.pk)
        assert outcome.state == DeliveryState.SENT
        received = remote.received[-1]
        timestamp = received.headers["x-tracker-timestamp"]
        expected = hmac.new(secret.encode(), timestamp.encode() + b"." + received.body, hashlib.sha256).hexdigest()
        assert received.headers["x-tracker-signature"] == f"sha256={expected}"
        assert received.headers["x-tracker-event"] == "escalation.raised"
        assert received.headers["x-tracker-delivery-key"] == delivery.key
        body = received.json()
        assert body["event"] == "escalation.raised" and body["data"]["assignment"] == history.lead3.pk
        assert delivery.escalation_id == history.escalation.pk  # it shows beside the escalation's other channels

    def test_a_failing_receiver_is_retried_and_every_attempt_recorded(self, history, endpoint_for, remote):  # noqa: F811
        endpoint, _secret = endpoint_for("supervisor", events=["escalation.raised"])
        collect_webhook_events()
        delivery = Delivery.objects.get(webhook=endpoint)
        remote.reply = lambda received: (503, {"error": "busy"})
        first = delivery_send(delivery_id=delivery.pk)
        assert first.state == DeliveryState.PENDING and first.retry_at is not None
        delivery.refresh_from_db()
        assert delivery.attempts == 1 and "503" in delivery.last_error
        assert delivery.tries.count() == 1

    def test_a_revoked_token_stops_its_deliveries(self, history, people, endpoint_for):
        from api.services import api_token_revoke

        endpoint, _secret = endpoint_for("supervisor", events=["escalation.raised"])
        collect_webhook_events()
        api_token_revoke(actor=people["admin"], token=endpoint.token)
        outcome = delivery_send(delivery_id=Delivery.objects.get(webhook=endpoint).pk)
        assert outcome.state == DeliveryState.FAILED


def test_the_command_sets_up_a_webhook_and_shows_its_secret_once(people, token_for, capsys):
    from django.core.management import call_command

    from api.models import WebhookEndpoint

    token, _key = token_for(people["supervisor"])
    call_command(
        "api_token", "webhook", token.prefix, "--url", "https://oa.example.cn/hook", "--events", "report.filed"
    )
    secret = capsys.readouterr().out.strip().splitlines()[-1]
    endpoint = WebhookEndpoint.objects.get(token=token)
    assert endpoint.events == ["report.filed"] and endpoint.secret == secret
