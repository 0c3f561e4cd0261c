"""The default beat schedules, kept in the database (django-celery-beat) so an admin can change them.

`ensure_default_schedules` adds the missing ones and leaves existing ones as the admin set them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

TIME_ZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class DefaultSchedule:
    name: str
    task: str
    description: str
    crontab: tuple[str, str] | None = None  # (minute, hour)
    every_seconds: int | None = None
    args: tuple = ()
    day_of_month: str = "*"  # with crontab: "1" for the first of each month


DEFAULT_SCHEDULES = (
    DefaultSchedule(
        "每日完成时限扫描",
        "reminders.scan_deadlines",
        "临期提醒、逾期催办和蓝/黄/红色督办；非工作日自动跳过。",
        crontab=("30", "8"),
    ),
    DefaultSchedule(
        "每日报送周期扫描",
        "reminders.scan_reporting_cycles",
        "提前提醒未报送进展的单位；截止日仍未报送的督办。",
        crontab=("0", "16"),
    ),
    DefaultSchedule(
        "外发消息补发",
        "reminders.dispatch_due_deliveries",
        "收回中断的发送、按退避时间重试、发送免打扰时段后顺延的消息。",
        every_seconds=60,
    ),
    DefaultSchedule("每日清理", "reminders.cleanup", "清除过期会话和一年前已读的站内消息。", crontab=("15", "3")),
    DefaultSchedule(
        "每月月报存档",
        "exports.archive_last_month",
        "每月1日生成各已发布计划上月的月度推进情况表（Excel、Word、PDF）并存档；已存档的月份不会被覆盖。",
        crontab=("30", "1"),
        day_of_month="1",
    ),
    DefaultSchedule(
        "导出文件清理", "exports.cleanup", "删除30天前的导出任务文件（月报存档不受影响）。", crontab=("45", "3")
    ),
    DefaultSchedule(
        "接口推送",
        "api.collect_webhooks",
        "把任务状态变化、报送进展、督办等事件推送给订阅的对接系统（签名、失败重试、逐次记录）。",
        every_seconds=60,
    ),
    DefaultSchedule("心跳", "core.tasks.heartbeat", "确认 beat 与 worker 在运行。", every_seconds=30, args=("beat",)),
)


def ensure_default_schedules(apps=None) -> int:
    """Create the default periodic tasks that do not exist yet; return how many were created."""
    if apps is None:
        from django.apps import apps as registry

        apps = registry
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    created = 0
    for schedule in DEFAULT_SCHEDULES:
        if PeriodicTask.objects.filter(name=schedule.name).exists():
            continue
        fields = {"task": schedule.task, "description": schedule.description, "args": json.dumps(list(schedule.args))}
        if schedule.crontab is not None:
            minute, hour = schedule.crontab
            fields["crontab"], _ = CrontabSchedule.objects.get_or_create(
                minute=minute,
                hour=hour,
                day_of_week="*",
                day_of_month=schedule.day_of_month,
                month_of_year="*",
                timezone=TIME_ZONE,
            )
        else:
            fields["interval"], _ = IntervalSchedule.objects.get_or_create(
                every=schedule.every_seconds, period="seconds"
            )
        PeriodicTask.objects.create(name=schedule.name, **fields)
        created += 1
    return created
