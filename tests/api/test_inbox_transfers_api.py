"""The API's inbox, plan imports, export jobs and archive: each person's own rows, the services' rules."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.models import TokenScope
from core import clock
from exports.models import ArchivedReport, ExportJob
from exports.services import archive_month, export_job_run
from notifications.models import Notification, NotificationKind
from notifications.services import notify_users
from plans.models import ImportStatus, Plan, PlanImport
from plans.services.imports import plan_import_parse

pytestmark = pytest.mark.django_db

NOTIFICATIONS = "/api/v1/notifications/"
IMPORTS = "/api/v1/imports/"
EXPORTS = "/api/v1/exports/"
ARCHIVE = "/api/v1/archived-reports/"

PLAN_TEXT = """
某教〔2024〕8号
湖里区教育局2024年工作要点
一、党的建设
1.加强基层党组织建设。（牵头单位：基础教育科；配合单位：办公室）
2.推进清廉学校建设。6月底前完成评估。（责任科室：纪检组）
二、教育质量
1.推进课后服务全覆盖。秋季学期全面实施。
"""


def rows(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def query_count(client, url: str) -> int:
    """Return the queries a list request takes (after a first request has noted the token's use)."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def message(user, kind: str = NotificationKind.REMINDER, title: str = "请报送进展") -> Notification:
    notify_users(recipients=[user], kind=kind, title=title, body="正文", url="/plans/")
    return Notification.objects.filter(recipient=user).order_by("-id").first()


# --- the inbox ---------------------------------------------------------------------------------------------


class TestInbox:
    def test_a_person_lists_only_their_own_messages(self, api, people):
        mine = [message(people["unit_staff"]), message(people["unit_staff"], NotificationKind.ASSIGNED, "新交办")]
        message(people["other_staff"])

        listed = rows(api("unit_staff").get(NOTIFICATIONS))

        assert {row["id"] for row in listed} == {row.pk for row in mine}
        assert listed[0]["kind_label"] in ("催办", "新交办") and listed[0]["is_read"] is False

    def test_another_persons_message_is_not_found_and_stays_unread(self, api, people):
        theirs = message(people["other_staff"])
        client = api("unit_staff")

        assert client.get(f"{NOTIFICATIONS}{theirs.pk}/").status_code == 404
        assert client.post(f"{NOTIFICATIONS}{theirs.pk}/read/").status_code == 404
        assert client.get(f"{NOTIFICATIONS}abc/").status_code == 404
        theirs.refresh_from_db()
        assert theirs.read_at is None

    def test_read_marks_one_message_read(self, api, people):
        first, second = message(people["unit_staff"]), message(people["unit_staff"])

        response = api("unit_staff").post(f"{NOTIFICATIONS}{first.pk}/read/")

        assert response.status_code == 200
        assert response.json()["is_read"] is True and response.json()["read_at"]
        second.refresh_from_db()
        assert second.read_at is None

    def test_read_all_marks_only_the_persons_own_unread_messages(self, api, people):
        message(people["unit_staff"]), message(people["unit_staff"])
        theirs = message(people["other_staff"])

        response = api("unit_staff").post(f"{NOTIFICATIONS}read-all/")

        assert response.status_code == 200 and response.json() == {"marked": 2}
        assert not Notification.objects.filter(recipient=people["unit_staff"], read_at__isnull=True).exists()
        theirs.refresh_from_db()
        assert theirs.read_at is None

    def test_unread_and_kind_filter_the_list(self, api, people):
        read = message(people["unit_staff"], NotificationKind.ASSIGNED, "新交办")
        unread = message(people["unit_staff"])
        client = api("unit_staff")
        client.post(f"{NOTIFICATIONS}{read.pk}/read/")

        assert [row["id"] for row in rows(client.get(NOTIFICATIONS, {"unread": "true"}))] == [unread.pk]
        assert [row["id"] for row in rows(client.get(NOTIFICATIONS, {"unread": "false"}))] == [read.pk]
        assert [row["id"] for row in rows(client.get(NOTIFICATIONS, {"kind": "assigned"}))] == [read.pk]

    def test_updated_since_reads_the_time_a_message_was_written(self, api, people):
        with clock.frozen_at(datetime.datetime(2020, 9, 1, 9)):
            old = message(people["unit_staff"])
        with clock.frozen_at(datetime.datetime(2020, 10, 1, 9)):
            new = message(people["unit_staff"])

        listed = rows(api("unit_staff").get(NOTIFICATIONS, {"updated_since": "2020-09-15T00:00:00+08:00"}))

        assert [row["id"] for row in listed] == [new.pk]
        assert old.pk not in [row["id"] for row in listed]

    def test_times_are_iso_8601_in_beijing_time(self, api, people):
        with clock.frozen_at(datetime.datetime(2020, 9, 1, 9)):
            message(people["unit_staff"])

        created = rows(api("unit_staff").get(NOTIFICATIONS))[0]["created_at"]

        assert created == "2020-09-01T09:00:00+08:00"

    def test_a_read_only_token_reads_but_cannot_mark_read(self, api, people):
        mine = message(people["unit_staff"])
        client = api("unit_staff", TokenScope.READ)

        assert client.get(f"{NOTIFICATIONS}{mine.pk}/").status_code == 200
        assert client.post(f"{NOTIFICATIONS}{mine.pk}/read/").status_code == 403
        assert client.post(f"{NOTIFICATIONS}read-all/").status_code == 403

    def test_a_request_without_a_token_is_refused(self, anonymous):
        assert anonymous.get(NOTIFICATIONS).status_code in (401, 403)
        assert anonymous.post(f"{NOTIFICATIONS}read-all/").status_code in (401, 403)

    def test_listing_takes_the_same_queries_however_many_messages(self, api, people, bureau):
        from tests.factories import PlanFactory, TaskFactory

        client = api("unit_staff")
        plan = PlanFactory()
        for index in range(3):
            notify_users(
                recipients=[people["unit_staff"]],
                kind="assigned",
                title="交办",
                task_id=TaskFactory(plan=plan, path=f"1.{index}", number=str(index), position=index).pk,
            )
        few = query_count(client, NOTIFICATIONS)
        for index in range(3, 9):
            notify_users(
                recipients=[people["unit_staff"]],
                kind="assigned",
                title="交办",
                task_id=TaskFactory(plan=plan, path=f"1.{index}", number=str(index), position=index).pk,
            )

        assert query_count(client, NOTIFICATIONS) == few


# --- plan imports --------------------------------------------------------------------------------------------


class TestImports:
    def test_an_admin_pastes_text_reads_the_preview_and_confirms(self, api, people):
        client = api("admin")

        started = client.post(IMPORTS, {"text": PLAN_TEXT}, format="json")

        assert started.status_code == 201, started.content
        body = started.json()
        assert body["status"] == "ready" and body["status_label"] == "待审核" and body["progress"] == 100
        preview = client.get(f"{IMPORTS}{body['id']}/").json()["preview"]
        assert preview["metadata"]["doc_number"] == "某教〔2024〕8号"
        assert (preview["item_count"], preview["section_count"]) == (3, 2)
        first = next(row for row in preview["rows"] if row["kind"] == "item")
        assert first["title"] == "加强基层党组织建设"
        assert first["lead"]["written"] == "基础教育科" and first["lead"]["unit_name"] == "基础教育科"
        assert [entry["written"] for entry in first["co"]] == ["办公室"]
        assert "纪检组" in preview["unmatched"]

        confirmed = client.post(f"{IMPORTS}{body['id']}/confirm/", {"create_units": ["纪检组"]}, format="json")

        assert confirmed.status_code == 200, confirmed.content
        plan = Plan.objects.get(pk=confirmed.json()["plan"])
        assert plan.doc_number == "某教〔2024〕8号" and plan.tasks.count() == 3
        assert confirmed.json()["task_count"] == 3 and confirmed.json()["status"] == "draft"
        assert client.get(f"{IMPORTS}{body['id']}/").json()["plan"] == plan.pk

    def test_an_uploaded_file_is_parsed_like_pasted_text(self, api, media):
        upload = SimpleUploadedFile("要点.txt", PLAN_TEXT.encode("utf-8"), content_type="text/plain")

        started = api("admin").post(IMPORTS, {"file": upload, "plan_year": 2024}, format="multipart")

        assert started.status_code == 201, started.content
        assert started.json()["source_name"] == "要点.txt" and started.json()["preview"]["item_count"] == 3

    def test_a_large_document_is_accepted_then_parsed_in_the_background(self, api, monkeypatch, media):
        monkeypatch.setattr("plans.services.imports.SYNC_PARSE_MAX_BYTES", 0)
        client = api("admin")

        started = client.post(IMPORTS, {"text": PLAN_TEXT}, format="json")

        assert started.status_code == 202
        assert started.json()["status"] == "parsing" and started.json()["preview"] is None
        plan_import_parse(plan_import_id=started.json()["id"])  # what the Celery task does
        parsed = client.get(f"{IMPORTS}{started.json()['id']}/").json()
        assert parsed["status"] == "ready" and parsed["preview"]["item_count"] == 3

    @pytest.mark.parametrize("role", ["supervisor", "leader", "unit_manager", "unit_staff"])
    def test_only_admins_import(self, api, people, role):
        record = PlanImport.objects.create(pasted_text="x", created_by=people["admin"], status=ImportStatus.READY)
        client = api(role)

        assert client.post(IMPORTS, {"text": PLAN_TEXT}, format="json").status_code == 403
        assert client.get(IMPORTS).status_code == 403
        assert client.get(f"{IMPORTS}{record.pk}/").status_code == 403
        assert client.post(f"{IMPORTS}{record.pk}/confirm/", {}, format="json").status_code == 403
        assert not PlanImport.objects.exclude(pk=record.pk).exists()

    def test_an_unsupported_file_type_is_refused(self, api):
        upload = SimpleUploadedFile("要点.doc", b"old word", content_type="application/msword")

        response = api("admin").post(IMPORTS, {"file": upload}, format="multipart")

        assert response.status_code == 400
        assert "不支持这种文件" in response.json()["file"][0]
        assert not PlanImport.objects.exists()

    def test_a_file_too_large_is_refused_with_the_services_reason(self, api, settings):
        settings.PLAN_IMPORT_MAX_BYTES = 1024
        upload = SimpleUploadedFile("大.txt", b"x" * 2048, content_type="text/plain")

        response = api("admin").post(IMPORTS, {"file": upload}, format="multipart")

        assert response.status_code == 400
        assert response.json()["detail"].startswith("文件过大")

    def test_nothing_to_import_is_refused(self, api):
        client = api("admin")

        assert client.post(IMPORTS, {"text": "  "}, format="json").status_code == 400
        empty = SimpleUploadedFile("空.txt", b"", content_type="text/plain")
        response = client.post(IMPORTS, {"file": empty}, format="multipart")
        assert response.status_code == 400 and "上传的文件是空的" in response.json()["detail"]

    def test_a_cancelled_import_cannot_be_confirmed(self, api):
        client = api("admin")
        record = client.post(IMPORTS, {"text": PLAN_TEXT}, format="json").json()

        cancelled = client.post(f"{IMPORTS}{record['id']}/cancel/")

        assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
        refused = client.post(f"{IMPORTS}{record['id']}/confirm/", {}, format="json")
        assert refused.status_code == 400 and "不能再次确认" in refused.json()["detail"]
        assert not Plan.objects.exists()

    def test_an_unknown_import_is_not_found(self, api):
        assert api("admin").get(f"{IMPORTS}999999/").status_code == 404

    def test_listing_takes_the_same_queries_however_many_imports(self, api, people):
        client = api("admin")
        for _ in range(2):
            PlanImport.objects.create(pasted_text="x", created_by=people["admin"])
        few = query_count(client, IMPORTS)
        for _ in range(5):
            PlanImport.objects.create(pasted_text="x", created_by=people["supervisor"])

        assert query_count(client, IMPORTS) == few
        assert "preview" not in rows(client.get(IMPORTS))[0]


# --- export jobs ----------------------------------------------------------------------------------------------


def monthly_request(history, **extra) -> dict:
    return {"kind": "monthly", "fmt": "xlsx", "plan": history.plan.pk, "month": "2020-09", **extra}


class TestExports:
    def test_an_export_is_queued_run_and_downloaded(self, api, history, media):
        client = api("supervisor")

        queued = client.post(EXPORTS, monthly_request(history), format="json")

        assert queued.status_code == 202, queued.content
        job = queued.json()
        assert (job["status"], job["status_label"], job["download_url"]) == ("queued", "排队中", None)
        assert job["month"] == "2020-09" and job["unit"] is None and job["plan_title"] == history.plan.title
        export_job_run(job["id"])  # what the Celery task does
        done = client.get(f"{EXPORTS}{job['id']}/").json()
        assert done["status"] == "done" and done["progress"] == 100
        assert done["download_url"].endswith(f"/api/v1/exports/{job['id']}/download/")
        download = client.get(done["download_url"])
        assert download.status_code == 200
        content = b"".join(download.streaming_content)
        assert content.startswith(b"PK") and len(content) == done["size"]
        assert "spreadsheetml" in download["Content-Type"]

    def test_a_download_asked_for_as_the_file_type_is_not_refused(self, api, history, media):
        client = api("supervisor")
        job = client.post(EXPORTS, monthly_request(history, fmt="pdf"), format="json").json()

        early = client.get(f"{EXPORTS}{job['id']}/download/", HTTP_ACCEPT="application/pdf")

        assert early.status_code == 404 and early.json()["detail"] == "文件还没有生成好。"

    def test_a_school_exports_its_own_unit(self, api, history, bureau, people):
        client = api("unit_staff")

        own = client.post(EXPORTS, monthly_request(history), format="json")
        named = client.post(EXPORTS, monthly_request(history, unit=bureau["school"].pk), format="json")

        assert own.status_code == 202 and own.json()["unit"] == bureau["school"].pk
        assert named.status_code == 202 and named.json()["unit_name"] == bureau["school"].name

    def test_a_school_cannot_export_another_unit(self, api, history, bureau):
        response = api("unit_staff").post(
            EXPORTS, monthly_request(history, unit=bureau["other_school"].pk), format="json"
        )

        assert response.status_code == 403
        assert response.json()["detail"] == "只能导出本单位承办的任务。"
        assert not ExportJob.objects.exists()

    def test_someone_elses_job_is_not_found(self, api, history, media):
        job = api("supervisor").post(EXPORTS, monthly_request(history), format="json").json()
        export_job_run(job["id"])
        client = api("leader")

        assert client.get(f"{EXPORTS}{job['id']}/").status_code == 404
        assert client.get(f"{EXPORTS}{job['id']}/download/").status_code == 404
        assert rows(client.get(EXPORTS)) == []

    def test_an_impossible_export_is_refused_with_the_reason(self, api, history):
        client = api("supervisor")

        as_word = client.post(EXPORTS, {**monthly_request(history), "kind": "ledger", "fmt": "docx"}, format="json")
        bad_month = client.post(EXPORTS, monthly_request(history, month="2020/9"), format="json")
        too_early = client.post(EXPORTS, monthly_request(history, month="2020-05"), format="json")

        assert as_word.status_code == 400 and "只能导出为" in as_word.json()["detail"]
        assert bad_month.status_code == 400 and bad_month.json()["month"] == ["月份应写作 YYYY-MM，如 2020-09。"]
        assert too_early.status_code == 400 and "没有推进情况" in too_early.json()["detail"]
        assert not ExportJob.objects.exists()

    def test_a_read_only_token_cannot_request_an_export(self, api, history):
        assert (
            api("supervisor", TokenScope.READ).post(EXPORTS, monthly_request(history), format="json").status_code == 403
        )

    def test_the_list_filters_by_status(self, api, history, media):
        client = api("supervisor")
        first = client.post(EXPORTS, monthly_request(history), format="json").json()
        second = client.post(EXPORTS, monthly_request(history, fmt="docx"), format="json").json()
        export_job_run(first["id"])

        assert [row["id"] for row in rows(client.get(EXPORTS, {"status": "done"}))] == [first["id"]]
        assert [row["id"] for row in rows(client.get(EXPORTS, {"status": "queued"}))] == [second["id"]]

    @pytest.mark.parametrize("plan", ["-6.373318162236713e+54", "1.5", "99999999999999999999", "abc"])
    def test_a_plan_filter_that_is_not_an_id_is_refused(self, api, people, plan):
        assert api("supervisor").get(EXPORTS, {"plan": plan}).status_code == 400

    def test_listing_takes_the_same_queries_however_many_jobs(self, api, history, people, bureau):
        client = api("supervisor")

        def add(count: int) -> None:
            for index in range(count):
                ExportJob.objects.create(
                    requested_by=people["supervisor"],
                    kind="monthly",
                    fmt="xlsx",
                    plan=history.plan,
                    month=datetime.date(2020, 9, 1),
                    unit=bureau["school"] if index % 2 else None,
                )

        add(2)
        few = query_count(client, EXPORTS)
        add(6)

        assert query_count(client, EXPORTS) == few


# --- the archive ------------------------------------------------------------------------------------------------


@pytest.fixture
def archived(history, media):
    """September 2020 archived as Excel."""
    return archive_month(plan=history.plan, month=datetime.date(2020, 9, 1), fmt="xlsx").record


class TestArchive:
    def test_bureau_roles_list_filter_and_download_archived_reports(self, api, archived):
        client = api("leader")

        listed = rows(client.get(ARCHIVE, {"plan": archived.plan_id, "month": "2020-09", "fmt": "xlsx"}))

        assert [row["id"] for row in listed] == [archived.pk]
        assert listed[0]["month"] == "2020-09" and listed[0]["version"] == 1
        assert rows(client.get(ARCHIVE, {"month": "2020-10"})) == []
        download = client.get(listed[0]["download_url"])
        assert download.status_code == 200
        assert b"".join(download.streaming_content).startswith(b"PK")

    @pytest.mark.parametrize("role", ["unit_manager", "unit_staff", "other_staff"])
    def test_unit_people_cannot_read_the_archive(self, api, archived, role):
        client = api(role)

        assert client.get(ARCHIVE).status_code == 403
        assert client.get(f"{ARCHIVE}{archived.pk}/download/").status_code == 403

    def test_odd_filters_are_answered_without_a_server_error(self, api, archived):
        client = api("supervisor")
        odd = {"updated_since": "0508-05-19T22:20:58+05:21", "fmt": "pdf", "ordering": "month", "month": ""}

        assert client.get(ARCHIVE, odd).status_code == 200
        assert client.get(ARCHIVE, {"plan": "-5.190092444362953e+120"}).status_code == 400

    def test_a_bad_month_filter_is_refused(self, api, archived):
        response = api("supervisor").get(ARCHIVE, {"month": "九月"})

        assert response.status_code == 400 and "YYYY-MM" in response.json()["month"][0]

    def test_an_unknown_report_is_not_found(self, api, archived):
        assert api("supervisor").get(f"{ARCHIVE}{archived.pk + 100}/download/").status_code == 404

    def test_listing_takes_the_same_queries_however_many_reports(self, api, archived, people):
        client = api("supervisor")
        few = query_count(client, ARCHIVE)
        for version in range(2, 6):
            ArchivedReport.objects.create(
                plan=archived.plan,
                month=archived.month,
                fmt="xlsx",
                version=version,
                file=archived.file.name,
                filename=archived.filename,
                size=archived.size,
                sha256=archived.sha256,
                content_digest=archived.content_digest,
                as_of=archived.as_of,
                generated_by=people["supervisor"],
                reason="数据更正",
            )

        assert query_count(client, ARCHIVE) == few
