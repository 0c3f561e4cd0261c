"""manage.py export_monthly --plan <id or 文号> --month YYYY-MM --format xlsx|docx|pdf --out FILE."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Unit
from exports.models import ExportFormat, ExportKind, ExportSplit
from exports.monthly import ExportError, month_from_text
from exports.services import FORMATS_OF, export_render
from plans.models import Plan


def _plan(text: str) -> Plan:
    plan = Plan.objects.filter(doc_number=text.strip()).first()
    if plan is None and text.strip().isdigit():
        plan = Plan.objects.filter(pk=int(text)).first()
    if plan is None:
        raise CommandError(f"找不到工作计划：{text}（可写编号或文号，如 厦湖教〔2020〕132号）")
    return plan


def _unit(text: str | None) -> Unit | None:
    if not text:
        return None
    unit = Unit.objects.filter(name=text.strip()).first() or Unit.objects.filter(short_name=text.strip()).first()
    if unit is None and text.strip().isdigit():
        unit = Unit.objects.filter(pk=int(text)).first()
    if unit is None:
        raise CommandError(f"找不到单位：{text}")
    return unit


class Command(BaseCommand):
    help = "导出某计划某月的月度推进情况表（按该月月底的历史数据），写入文件。"

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help="计划编号或文号，如 厦湖教〔2020〕132号")
        parser.add_argument("--month", required=True, help="月份，如 2020-09")
        parser.add_argument(
            "--format", dest="fmt", required=True, choices=[str(f) for f in FORMATS_OF[ExportKind.MONTHLY]]
        )
        parser.add_argument("--out", required=True, help="输出文件路径")
        parser.add_argument("--unit", help="只导出该单位承办的任务（单位全称、简称或编号）")
        parser.add_argument(
            "--split",
            default="",
            choices=[value for value in ExportSplit.values if value],
            help="Excel 分表：part 每个部分一张表，unit 每个牵头单位一张表",
        )

    def handle(self, *args, plan: str, month: str, fmt: str, out: str, unit: str | None, split: str, **options):
        the_plan, the_unit = _plan(plan), _unit(unit)
        try:
            rendered = export_render(
                kind=ExportKind.MONTHLY,
                fmt=ExportFormat(fmt),
                plan=the_plan,
                month=month_from_text(month),
                unit=the_unit,
                split=split,
            )
        except ExportError as exc:
            raise CommandError(str(exc)) from exc
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(rendered.content)
        self.stdout.write(
            f"已导出 {the_plan}：{month}，{rendered.rows} 项任务 → {path}（{len(rendered.content):,} 字节，SHA-256 {rendered.sha256[:16]}…，"
            f"内容摘要 {rendered.digest[:16]}…）"
        )
