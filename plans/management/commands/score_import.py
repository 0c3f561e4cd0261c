"""manage.py score_import DIR: precision, recall and F1 of the importer against DIR/expected/*.json."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.importers.evaluation import ASPECTS, score_directory


def _percent(value: float) -> str:
    return f"{value * 100:.1f}%"


class Command(BaseCommand):
    help = "用 DIR/expected/*.json 评估导入结果：逐文件及总体的精确率、召回率和 F1（条目、篇章、责任单位、时限）。"

    def add_arguments(self, parser):
        parser.add_argument("directory", help="含文档和 expected/ 子目录的文件夹，如 seeds/")

    def handle(self, *args, directory: str, **options):
        folder = Path(directory)
        if not (folder / "expected").is_dir():
            raise CommandError(f"{folder} 下没有 expected/ 目录。")
        results, totals = score_directory(folder)
        if not results:
            raise CommandError(f"{folder / 'expected'} 中没有 .json 答案文件。")
        for result in results:
            cells = []
            for aspect in ASPECTS:
                score = result.scores[aspect]
                if aspect in ("owners", "deadlines") and score.expected == 0:
                    cells.append(f"{aspect} n/a")
                    continue
                cells.append(
                    f"{aspect} P={_percent(score.precision)} R={_percent(score.recall)} F1={_percent(score.f1)}"
                )
            note = f"  [{result.error}]" if result.error else ""
            self.stdout.write(f"{result.source}: " + " | ".join(cells) + note)
        for aspect in ASPECTS:
            score = totals[aspect]
            self.stdout.write(
                f"overall {aspect}: P={_percent(score.precision)} R={_percent(score.recall)} F1={_percent(score.f1)}"
                f" ({score.true_positives}/{score.expected} expected, {score.found} found)"
            )
        self.stdout.write(f"overall items F1: {_percent(totals['items'].f1)}")
