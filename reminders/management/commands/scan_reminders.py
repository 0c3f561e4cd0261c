"""manage.py scan_reminders [--now 2020-12-01T09:00] [--send]: run every scan once, synchronously."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core import clock
from reminders.delivery import delivery_send, due_delivery_ids
from reminders.models import ScanKind
from reminders.scans import run_all_scans

SCAN_NAMES = {ScanKind.DEADLINES: "完成时限扫描", ScanKind.CYCLES: "报送周期扫描"}


def _moment(text: str) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--now 应为 ISO 时间，如 2020-12-01T09:00，而不是 {text!r}") from exc
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class Command(BaseCommand):
    help = "立即运行一次全部催办扫描（完成时限、报送周期），打印新增的催办和督办数；重复运行不会重复催办。"

    def add_arguments(self, parser):
        parser.add_argument("--now", help="按这个时点扫描（北京时间），如 2020-12-01T09:00；默认为当前时间")
        parser.add_argument(
            "--send", action="store_true", help="同时在本进程内发送到期的外发消息（邮件、群机器人、短信），不经 worker"
        )

    def handle(self, *args, now: str | None, send: bool, **options):
        moment = _moment(now) if now else clock.now()
        results = run_all_scans(now=moment)
        for result in results:
            name = SCAN_NAMES.get(result.kind, result.kind)
            if result.skipped_reason:
                self.stdout.write(f"{name}：{result.skipped_reason}")
                continue
            self.stdout.write(
                f"{name}：新增催办 {result.reminders} 条，新增督办 {result.escalations} 条，"
                f"站内消息 {result.messages} 条，外发消息 {result.deliveries} 条"
            )
        reminders = sum(result.reminders for result in results)
        escalations = sum(result.escalations for result in results)
        self.stdout.write(self.style.SUCCESS(f"合计：新增催办 {reminders} 条，新增督办 {escalations} 条"))
        if send:
            with clock.frozen_at(moment):
                outcomes = [delivery_send(delivery_id=pk) for pk in due_delivery_ids(now=moment, include_queued=True)]
            sent = sum(1 for outcome in outcomes if outcome is not None and outcome.state == "sent")
            self.stdout.write(f"外发：已送达 {sent} 条，未送达 {len(outcomes) - sent} 条")
