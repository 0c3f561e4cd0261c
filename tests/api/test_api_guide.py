"""The API guide's examples work: every ```sh block of docs/api.md runs with bash against a live server.

Each example is run as written, with `BASE` set to the live server and `TOKEN` to a real read-write token of the
account its first comment names (`# 令牌：… / token: school staff|supervisor`), over the plan history of
tests/exports/conftest.py on 10 December 2020. It must exit 0 and print JSON saying what the guide says it shows.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache

from core import clock
from exports import services as export_services
from exports import tasks as export_tasks
from plans.models import ProgressReport

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "api.md"
SITE_DAY = datetime.datetime(
    2020, 12, 10, 10, 0
)  # task 2 (deadline 30 November) is overdue: the school's co-task is red
TOKEN_OF = {"school staff": "unit_staff", "supervisor": "supervisor"}


def sh_blocks(text: str) -> list[str]:
    """Return the body of every ```sh fenced block, in order."""
    return re.findall(r"^```sh\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)


def token_role(block: str) -> str:
    """Return the role whose token the example needs, from its `# … / token: <who>` comment."""
    match = re.search(r"^# .*token: ([a-z ]+)$", block, flags=re.MULTILINE)
    assert match, f"the example does not say whose token it needs:\n{block}"
    return TOKEN_OF[match.group(1).strip()]


def _root(out: Any, site) -> None:
    assert {"plans", "tasks", "assignments", "reports", "exports"} <= set(out)


def _pages(out: Any, site) -> None:
    assert out == {"tasks": 3}


def _red(out: Any, site) -> None:
    assert out, "the school has a red light on 10 December"
    assert {row["light"] for row in out} == {"red"}
    assert {row["unit"] for row in out} == {"厦门市湖里区实验小学"}
    assert all(row["light_label"] == "红灯" and row["light_reason"] for row in out)


def _plan_tasks(out: Any, site) -> None:
    assert [row["path"] for row in out] == ["一.1", "一.2", "二.一.3"]
    assert out[1]["headline"] == "全面加强基层党组织建设"


def _sync(out: Any, site) -> None:
    changed = out["changed"]
    assert changed and all(row["updated_at"] >= "2020-10-01T00:00:00+08:00" for row in changed)
    assert out["next_since"] == max(row["updated_at"] for row in changed)
    assert out["next_since"].endswith("+08:00")


def _report(out: Any, site) -> None:
    assert (out["percent"], out["status"], out["status_label"]) == (80, "in_progress", "推进中")
    filed = ProgressReport.objects.get(pk=out["id"])
    assert (filed.assignment_id, filed.period_key, filed.text) == (site.lead1.pk, "2020-12", "12月完成调研报告终稿。")


def _export(out: Any, site) -> None:
    assert out == {"status": "done", "bytes": out["bytes"], "zip": True} and out["bytes"] > 1000


# Each example is recognised by a string only it contains, and checked by what it prints.
EXPECTED: dict[str, Callable[[Any, Any], None]] = {
    '"$BASE/api/v1/"': _root,
    "page_size=2": _pages,
    "light=red": _red,
    "ordering=position": _plan_tasks,
    "updated_since=": _sync,
    "/api/v1/reports/": _report,
    "/api/v1/exports/": _export,
}

BLOCKS = sh_blocks(GUIDE.read_text(encoding="utf-8"))


def _marker(block: str) -> str:
    markers = [marker for marker in EXPECTED if marker in block]
    assert len(markers) == 1, f"each example must match exactly one expectation, got {markers}:\n{block}"
    return markers[0]


@pytest.fixture
def site(transactional_db, live_server, history, settings, monkeypatch):
    """The history on 10 December 2020, served live; an export job runs as soon as it is queued."""
    settings.API_TOKEN_RATE = "100000/min"
    cache.clear()
    monkeypatch.setattr(export_tasks.run_export, "delay", export_services.export_job_run)
    clock.set_for_all_threads(SITE_DAY)
    yield history
    clock.set_for_all_threads(None)


def test_the_guide_has_an_example_for_each_task_it_promises():
    assert sorted(_marker(block) for block in BLOCKS) == sorted(EXPECTED)


@pytest.mark.parametrize("block", BLOCKS, ids=[_marker(block).strip('"/$=') for block in BLOCKS])
def test_each_example_of_the_guide_runs_and_prints_what_it_says(block, site, live_server, people, token_for, tmp_path):
    assert shutil.which("jq") and shutil.which("curl"), "the examples need curl and jq"
    assert "curl -fsS" in block and "$TOKEN" in block and "$BASE" in block
    _token, key = token_for(people[token_role(block)])
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "LANG": "C.UTF-8", "BASE": live_server.url, "TOKEN": key}

    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180
    )

    assert result.returncode == 0, f"exit {result.returncode}\n{result.stderr}\n{result.stdout}"
    EXPECTED[_marker(block)](json.loads(result.stdout), site)
