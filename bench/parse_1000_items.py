"""Benchmark: parse a generated 1,000-item plan document and print the time.

Run: .venv/bin/python bench/parse_1000_items.py [--items 1000] [--repeat 5]
The goal is well under a second for 1,000 items (whole pipeline: outline, owners, time phrases).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from plans.importers.pipeline import parse_document
from plans.importers.readers import read_text

CN = "一二三四五六七八九十"
UNITS = ["基教科", "组干科", "计财科", "学前科", "人事科", "办公室", "德体卫艺科", "督导室"]
PHRASES = ["6月底前", "年底前", "9月30日前", "上半年", "三季度", "秋季", "持续推进", "每季度"]


def generate(items: int) -> str:
    """Return a plan with parts 一、, sections (一) and numbered items carrying owners and time phrases."""
    lines = ["某区教育局2024年工作要点", "各中小学、幼儿园，局机关各科室："]
    per_section = 10
    sections = max(1, items // per_section)
    parts = max(1, sections // 10)
    number = 0
    for part in range(parts):
        lines.append(f"{CN[part % 10]}、第{part + 1}部分重点工作")
        for section in range(sections // parts):
            lines.append(f"（{CN[section % 10]}）第{section + 1}方面工作")
            for _ in range(per_section):
                number += 1
                unit, co = UNITS[number % len(UNITS)], UNITS[(number + 3) % len(UNITS)]
                phrase = PHRASES[number % len(PHRASES)]
                lines.append(
                    f"{number}.推进第{number}项重点任务落地见效。围绕目标细化措施，{phrase}完成阶段任务，"
                    f"加强督促检查，确保取得实效。（牵头单位：{unit}；配合单位：{co}）"
                )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    text = generate(args.items)
    timings = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        parsed = parse_document(read_text(text))
        timings.append(time.perf_counter() - started)
    items = parsed.items()
    with_owners = sum(1 for _path, node in items if node.extra.get("owners"))
    print(f"document: {len(text):,} characters, {len(items)} items parsed, {with_owners} with owners")
    print(
        f"parse time over {args.repeat} runs: median {statistics.median(timings) * 1000:.0f} ms, "
        f"min {min(timings) * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
