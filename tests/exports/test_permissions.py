"""Who may open which export page and take which export action: a role × page/action matrix.

Every row is one page or action; every column one role. A cell says what that role gets:

- LOGIN     anonymous: a redirect to the sign-in page, nothing made;
- OK        the page opens (200);
- FILE      the file itself, as an attachment;
- REFUSED   the form again with an error (400) and no file, or a redirect back with an error message;
- FORBIDDEN 403, nothing made;
- NOT_FOUND 404 (someone else's job), nothing made;
- DONE      the action runs: a redirect back with a success message and its effect in the database.

The world is test_pages' plan: the school (unit_manager, unit_staff) leads one task and backs another,
the department leads two, the other school (other_staff) leads one. The job belongs to the supervisor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from accounts.models import User
from core import clock
from exports import services
from exports.models import ArchivedReport, ExportJob
from tests.exports.test_pages import NOW, SEPTEMBER, ExportWorld, build_world

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "admin", "supervisor", "leader", "unit_manager", "unit_staff", "other_staff")

LOGIN = "login"
OK = "ok"
FILE = "file"
REFUSED = "refused"
FORBIDDEN = "forbidden"
NOT_FOUND = "not found"
DONE = "done"


def _row(admin, supervisor, leader, unit_manager, unit_staff, other_staff) -> dict[str, str]:
    """Return one row of the matrix; anonymous visitors are always sent to sign in."""
    return {
        "anonymous": LOGIN,
        "admin": admin,
        "supervisor": supervisor,
        "leader": leader,
        "unit_manager": unit_manager,
        "unit_staff": unit_staff,
        "other_staff": other_staff,
    }


# fmt: off
MATRIX = {
    #                            admin      supervisor  leader     unit_manager  unit_staff  other_staff
    "export_page":          _row(OK,        OK,         OK,        OK,           OK,         OK),
    # the default scope: every unit for the bureau, the user's own unit for unit people
    "export_monthly":       _row(FILE,      FILE,       FILE,      FILE,         FILE,       FILE),
    "export_tasks_csv":     _row(FILE,      FILE,       FILE,      FILE,         FILE,       FILE),
    # the department's tasks only: the bureau's to choose, never a school's
    "export_department":    _row(FILE,      FILE,       FILE,      REFUSED,      REFUSED,    REFUSED),
    "archive":              _row(OK,        OK,         OK,        FORBIDDEN,    FORBIDDEN,  FORBIDDEN),
    "archive_download":     _row(FILE,      FILE,       FILE,      FORBIDDEN,    FORBIDDEN,  FORBIDDEN),
    "archive_regenerate":   _row(DONE,      DONE,       FORBIDDEN, FORBIDDEN,    FORBIDDEN,  FORBIDDEN),
    # a job is its owner's (the supervisor's): anyone else's guess at it finds nothing
    "job":                  _row(NOT_FOUND, OK,         NOT_FOUND, NOT_FOUND,    NOT_FOUND,  NOT_FOUND),
    "job_progress":         _row(NOT_FOUND, OK,         NOT_FOUND, NOT_FOUND,    NOT_FOUND,  NOT_FOUND),
    "job_download":         _row(NOT_FOUND, FILE,       NOT_FOUND, NOT_FOUND,    NOT_FOUND,  NOT_FOUND),
}
# fmt: on


@dataclass
class Scene:
    world: ExportWorld
    archived: ArchivedReport
    job: ExportJob


@pytest.fixture
def scene(bureau, people, settings, tmp_path) -> Scene:
    settings.MEDIA_ROOT = tmp_path / "media"
    with clock.frozen_at(NOW):
        world = build_world(bureau, people)
        archived = services.archive_month(plan=world.plan, month=SEPTEMBER, fmt="xlsx").record
        job = services.export_job_create(actor=people["supervisor"], kind="ledger", fmt="xlsx", plan=world.plan)
        services.export_job_run(job.pk)
    return Scene(world, archived, job)


def _export(scene: Scene, **changes) -> tuple[str, dict]:
    data = {"plan": scene.world.plan.pk, "kind": "monthly", "fmt": "xlsx", "month": "2020-09"}
    return reverse("exports:index"), data | changes


REQUESTS: dict[str, Callable[[Scene], tuple[str, str, dict | None]]] = {
    "export_page": lambda s: ("get", reverse("exports:index"), None),
    "export_monthly": lambda s: ("post", *_export(s)),
    "export_tasks_csv": lambda s: ("post", *_export(s, kind="tasks", fmt="csv")),
    "export_department": lambda s: ("post", *_export(s, unit=s.world.department.pk)),
    "archive": lambda s: ("get", reverse("exports:archive"), None),
    "archive_download": lambda s: ("get", reverse("exports:archive_download", args=[s.archived.pk]), None),
    "archive_regenerate": lambda s: (
        "post",
        reverse("exports:archive_regenerate"),
        {"plan": s.world.plan.pk, "month": "2020-09", "fmt": "xlsx", "reason": "核对数据后重新生成。"},
    ),
    "job": lambda s: ("get", reverse("exports:job", args=[s.job.pk]), None),
    "job_progress": lambda s: ("get", reverse("exports:job_progress", args=[s.job.pk]), None),
    "job_download": lambda s: ("get", reverse("exports:job_download", args=[s.job.pk]), None),
}


def _client(client: Client, people: dict[str, User], role: str) -> Client:
    if role != "anonymous":
        client.force_login(people[role])
    return client


def _made(scene: Scene) -> tuple[int, int]:
    return ArchivedReport.objects.count(), ExportJob.objects.count()


def _check(response, expected: str, scene: Scene, before: tuple[int, int]) -> None:
    if expected == LOGIN:
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    elif expected == OK:
        assert response.status_code == 200 and "Content-Disposition" not in response
    elif expected == FILE:
        assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    elif expected == REFUSED:
        assert response.status_code in (302, 400) and "Content-Disposition" not in response
    elif expected == FORBIDDEN:
        assert response.status_code == 403
    elif expected == NOT_FOUND:
        assert response.status_code == 404
    elif expected == DONE:
        assert response.status_code == 302
        assert any(m.level_tag == "success" for m in get_messages(response.wsgi_request))
        assert _made(scene)[0] == before[0] + 1
        return
    assert _made(scene) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(MATRIX))
def test_role_gets_what_the_matrix_says(scene, client, people, action, role):
    method, url, data = REQUESTS[action](scene)
    signed_in = _client(client, people, role)
    before = _made(scene)
    with clock.frozen_at(NOW):
        response = signed_in.post(url, data) if method == "post" else signed_in.get(url)
    _check(response, MATRIX[action][role], scene, before)


def test_every_export_url_is_in_the_matrix():
    from exports import urls

    names = {pattern.name for pattern in urls.urlpatterns}
    covered = {"index"} | {action for action in MATRIX if action in names}
    assert names == covered
