"""manage.py parse_plan FILE [--year YYYY]: print what the importer reads from a document, as JSON."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.importers.document import DocumentError
from plans.importers.evaluation import parse_file


class Command(BaseCommand):
    help = "解析一份工作计划文件，按 seeds/expected/*.json 的格式输出 JSON（责任单位按原文，时限为日期）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help=".txt / .docx / .pdf / .html / .xlsx 文件")
        parser.add_argument("--year", type=int, help="计划年度（文件写作 202x、XX年 时必须指定）")

    def handle(self, *args, file: str, year: int | None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        try:
            result = parse_file(path, plan_year=year)
        except DocumentError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=1))
