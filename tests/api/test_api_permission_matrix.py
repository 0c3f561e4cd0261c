"""Who may take which write action through the API: the web UI's role × action matrix, repeated over the API.

Every row is one API write; every column one role. A cell says what that role's read-write token gets:

- UNAUTHORIZED no token: 401, nothing changed;
- DONE         the action runs (2xx) and its effect is in the database — the same effect the UI's matrix checks;
- FORBIDDEN    a role that may see the object but not act on it: 403, nothing changed;
- NOT_FOUND    another unit's object: 404, nothing changed.

The world is the UI matrix's (tests/plans/test_permission_matrix.py), so each row that has a UI twin is checked
to say exactly what the UI's row says.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from api.models import TokenScope
from core import clock
from exports.models import ExportJob
from plans.models import PlanImport
from tests.plans import test_permission_matrix as ui
from tests.plans.test_permission_matrix import NOW, PNG, World, media_root, world, world_state  # noqa: F401

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "admin", "supervisor", "leader", "unit_manager", "unit_staff", "other_staff")

UNAUTHORIZED = "unauthorized"
DONE = "done"
FORBIDDEN = "forbidden"
NOT_FOUND = "not found"

STATUS = {UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_FOUND: 404}


def _row(admin, supervisor, leader, unit_manager, unit_staff, other_staff) -> dict[str, str]:
    """Return one row of the matrix; a request without a token is always refused with 401."""
    return {
        "anonymous": UNAUTHORIZED,
        "admin": admin,
        "supervisor": supervisor,
        "leader": leader,
        "unit_manager": unit_manager,
        "unit_staff": unit_staff,
        "other_staff": other_staff,
    }


# fmt: off
MATRIX = {
    #                                 admin      supervisor  leader     unit_manager  unit_staff  other_staff
    "acknowledge":               _row(FORBIDDEN, FORBIDDEN,  FORBIDDEN, DONE,         DONE,       NOT_FOUND),
    "decline":                   _row(FORBIDDEN, FORBIDDEN,  FORBIDDEN, DONE,         DONE,       NOT_FOUND),
    "report_create":             _row(FORBIDDEN, FORBIDDEN,  FORBIDDEN, DONE,         DONE,       NOT_FOUND),
    "reminder_create":           _row(DONE,      DONE,       DONE,      FORBIDDEN,    FORBIDDEN,  NOT_FOUND),
    "escalation_create":         _row(DONE,      DONE,       DONE,      FORBIDDEN,    FORBIDDEN,  NOT_FOUND),
    "escalation_respond":        _row(FORBIDDEN, FORBIDDEN,  FORBIDDEN, DONE,         DONE,       NOT_FOUND),
    "escalation_close":          _row(DONE,      DONE,       DONE,      FORBIDDEN,    FORBIDDEN,  NOT_FOUND),
    "instruction_create":        _row(DONE,      FORBIDDEN,  DONE,      FORBIDDEN,    FORBIDDEN,  NOT_FOUND),
    "instruction_acknowledge":   _row(FORBIDDEN, FORBIDDEN,  FORBIDDEN, DONE,         DONE,       NOT_FOUND),
    "completion_request":        _row(FORBIDDEN, FORBIDDEN,  FORBIDDEN, DONE,         DONE,       NOT_FOUND),
    "completion_decide":         _row(DONE,      DONE,       FORBIDDEN, FORBIDDEN,    FORBIDDEN,  NOT_FOUND),
    "extension_request":         _row(FORBIDDEN, FORBIDDEN,  FORBIDDEN, DONE,         DONE,       NOT_FOUND),
    "extension_decide":          _row(DONE,      DONE,       FORBIDDEN, FORBIDDEN,    FORBIDDEN,  NOT_FOUND),
    # the default scope: every unit for the bureau, the user's own unit for unit people
    "export_request":            _row(DONE,      DONE,       DONE,      DONE,         DONE,       DONE),
    # another unit's tasks: the bureau's to choose, never a school's (the UI refuses the form; the API says 403)
    "export_department":         _row(DONE,      DONE,       DONE,      FORBIDDEN,    FORBIDDEN,  FORBIDDEN),
    # 立项 is the administrator's
    "import_upload":             _row(DONE,      FORBIDDEN,  FORBIDDEN, FORBIDDEN,    FORBIDDEN,  FORBIDDEN),
}
# fmt: on

# The API row → the UI matrix row (tests/plans/test_permission_matrix.py::ACTIONS_MATRIX) it repeats.
UI_TWIN = {
    "acknowledge": "acknowledge",
    "decline": "decline",
    "report_create": "report",
    "reminder_create": "remind",
    "escalation_create": "escalate",
    "escalation_respond": "escalation_respond",
    "escalation_close": "escalation_close",
    "instruction_create": "instruct",
    "instruction_acknowledge": "instruction_acknowledge",
    "completion_request": "complete",
    "completion_decide": "completion_decide",
    "extension_request": "extend",
    "extension_decide": "extension_decide",
}

# Cells where the API does not yet behave as the matrix says, each a strict xfail until fixed.
KNOWN_BUGS: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Write:
    """One API write: where it goes, what it sends (JSON, or multipart when it carries files) and its effect."""

    url: Callable[[World], str]
    data: Callable[[World], dict[str, Any]]
    effect: Callable[[World, Any], None]
    multipart: bool = False


def _ui_effect(row: str) -> Callable[[World, Any], None]:
    return ui.ACTIONS[row].effect


def _export_queued(unit: str | None) -> Callable[[World, Any], None]:
    def effect(w: World, actor) -> None:
        job = ExportJob.objects.get()
        assert (job.requested_by, job.plan, job.kind, job.state) == (actor, w.plan, "monthly", "queued")
        if unit is not None:
            assert job.unit.name == unit

    return effect


def _import_started(w: World, actor) -> None:
    started = PlanImport.objects.get()
    assert started.pasted_text.startswith("湖里区教育局2021年工作要点")


def _export(w: World, **changes) -> dict[str, Any]:
    return {"kind": "monthly", "fmt": "xlsx", "plan": w.plan.pk, "month": "2020-08"} | changes


PLAN_TEXT = "湖里区教育局2021年工作要点\n一、推进党的全面领导\n1. 深入学习贯彻党的二十大精神。（牵头单位：办公室；完成时限：2021年12月）\n"

WRITES: dict[str, Write] = {
    "acknowledge": Write(
        url=lambda w: f"/api/v1/assignments/{w.new.pk}/acknowledge/",
        data=lambda w: {},
        effect=_ui_effect("acknowledge"),
    ),
    "decline": Write(
        url=lambda w: f"/api/v1/assignments/{w.new.pk}/decline/",
        data=lambda w: {"reason": "不属于本单位职责，应由德育科牵头。"},
        effect=_ui_effect("decline"),
    ),
    "report_create": Write(
        url=lambda w: "/api/v1/reports/",
        data=lambda w: {
            "assignment": w.live.pk,
            "period_key": "2020-09",
            "status": "in_progress",
            "percent": 60,
            "text": "九月进展。",
            "delay_reason": "",
            "files": [SimpleUploadedFile("九月.png", PNG, content_type="image/png")],
        },
        effect=_ui_effect("report"),
        multipart=True,
    ),
    "reminder_create": Write(
        url=lambda w: "/api/v1/reminders/",
        data=lambda w: {"assignments": [w.live.pk], "message": "请本周内报送。"},
        effect=_ui_effect("remind"),
    ),
    "escalation_create": Write(
        url=lambda w: "/api/v1/escalations/",
        data=lambda w: {"assignment": w.live.pk, "reason": "九月仍未见进展。", "response_due": "2020-09-04"},
        effect=_ui_effect("escalate"),
    ),
    "escalation_respond": Write(
        url=lambda w: f"/api/v1/escalations/{w.open_escalation.pk}/respond/",
        data=lambda w: {"text": "已增加课后服务班次。"},
        effect=_ui_effect("escalation_respond"),
    ),
    "escalation_close": Write(
        url=lambda w: f"/api/v1/escalations/{w.answered_escalation.pk}/close/",
        data=lambda w: {},
        effect=_ui_effect("escalation_close"),
    ),
    "instruction_create": Write(
        url=lambda w: "/api/v1/instructions/",
        data=lambda w: {"task": w.live_task.pk, "text": "请加强督导。"},
        effect=_ui_effect("instruct"),
    ),
    "instruction_acknowledge": Write(
        url=lambda w: f"/api/v1/instructions/{w.instruction.pk}/acknowledge/",
        data=lambda w: {},
        effect=_ui_effect("instruction_acknowledge"),
    ),
    "completion_request": Write(
        url=lambda w: "/api/v1/completion-requests/",
        data=lambda w: {"assignment": w.new.pk, "summary": "已全部排查完毕。"},
        effect=_ui_effect("complete"),
    ),
    "completion_decide": Write(
        url=lambda w: f"/api/v1/completion-requests/{w.completion.pk}/decide/",
        data=lambda w: {"approve": True, "reason": ""},
        effect=_ui_effect("completion_decide"),
    ),
    "extension_request": Write(
        url=lambda w: "/api/v1/extension-requests/",
        data=lambda w: {"assignment": w.new.pk, "requested_due": "2021-03-31", "reason": "排查范围扩大。"},
        effect=_ui_effect("extend"),
    ),
    "extension_decide": Write(
        url=lambda w: f"/api/v1/extension-requests/{w.extension.pk}/decide/",
        data=lambda w: {"grant": True, "reason": ""},
        effect=_ui_effect("extension_decide"),
    ),
    "export_request": Write(url=lambda w: "/api/v1/exports/", data=_export, effect=_export_queued(None)),
    "export_department": Write(
        url=lambda w: "/api/v1/exports/",
        data=lambda w: _export(w, unit=w.live_co.unit_id),
        effect=_export_queued("基础教育科"),
    ),
    "import_upload": Write(
        url=lambda w: "/api/v1/imports/", data=lambda w: {"text": PLAN_TEXT}, effect=_import_started
    ),
}


def _state() -> dict[str, Any]:
    """Return everything a write could change: the UI matrix's world state, export jobs and imports."""
    return world_state() | {"exports": ExportJob.objects.count(), "imports": PlanImport.objects.count()}


def _client(people, token_for, role: str, scope: str = TokenScope.WRITE) -> tuple[APIClient, Any]:
    client = APIClient()
    if role == "anonymous":
        return client, None
    _token, key = token_for(people[role], scope)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client, people[role]


def _post(client: APIClient, write: Write, w: World):
    with clock.frozen_at(NOW):
        return client.post(write.url(w), write.data(w), format="multipart" if write.multipart else "json")


def _cells():
    for row, outcomes in MATRIX.items():
        for role in ROLES:
            reason = KNOWN_BUGS.get((row, role))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(row, role, outcomes[role], id=f"{row}-{role}", marks=marks)


@pytest.fixture(autouse=True)
def jobs_stay_queued(monkeypatch):
    """Keep export jobs and plan imports queued: only the request is under test, not the work."""
    from exports import tasks as export_tasks

    monkeypatch.setattr(export_tasks.run_export, "delay", lambda *args, **kwargs: None)


def test_the_matrix_covers_every_role_and_write():
    assert set(MATRIX) == set(WRITES)
    assert all(tuple(row) == ROLES for row in MATRIX.values())
    assert {row for row, _ in KNOWN_BUGS} <= set(MATRIX)


@pytest.mark.parametrize("row", list(UI_TWIN))
def test_each_api_row_says_what_its_ui_row_says(row):
    twin = ui.ACTIONS_MATRIX[UI_TWIN[row]]
    expected = {role: {ui.LOGIN: UNAUTHORIZED, ui.DONE: DONE}.get(cell, cell) for role, cell in twin.items()}
    assert MATRIX[row] == expected


@pytest.mark.parametrize(("row", "role", "expected"), list(_cells()))
def test_write_runs_only_for_the_roles_that_may_take_it(world, people, token_for, row, role, expected):  # noqa: F811
    client, actor = _client(people, token_for, role)
    write = WRITES[row]
    before = _state()

    response = _post(client, write, world)

    if expected == DONE:
        assert 200 <= response.status_code < 300, response.content.decode()
        write.effect(world, actor)
        return
    assert response.status_code == STATUS[expected], response.content.decode()
    assert "detail" in response.json()
    assert _state() == before


@pytest.mark.parametrize("row", list(MATRIX))
def test_a_read_only_token_never_writes(world, people, token_for, row):  # noqa: F811
    role = next(role for role, cell in MATRIX[row].items() if cell == DONE)
    client, _actor = _client(people, token_for, role, TokenScope.READ)
    before = _state()

    response = _post(client, WRITES[row], world)

    assert (response.status_code, response.json()) == (403, {"detail": "该令牌只读，不能修改数据。"})
    assert _state() == before
