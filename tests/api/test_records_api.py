"""The records API: progress reports, evidence, reminders, escalations, instructions, completion and extension requests.

Same rules as the pages: a unit reads its own assignments' records (another unit's are 404), the bureau reads
all (staff reports only once approved); writes go through the services (403 for the wrong role, 400 with the
service's message for a refused step, audited).
"""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.models import TokenScope
from audit.models import AuditEvent
from plans.models import CompletionRequest, ExtensionRequest, ProgressReport, Reminder
from plans.services.reports import report_submit
from plans.services.requests import completion_request_submit, extension_request_submit
from plans.services.supervision import (
    escalation_raise,
    escalation_respond,
    instruction_acknowledge,
    instruction_give,
    reminder_send,
)
from tests.exports.conftest import on

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2020, 12, 10)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24
BASE = "/api/v1"


def png(name: str = "现场照片.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@pytest.fixture
def today():
    """Freeze the clock a few days after the history ends, for every request and write in the test."""
    with on(TODAY):
        yield TODAY


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def report_body(history, **extra) -> dict:
    return {
        "assignment": history.lead1.pk,
        "text": "12月完成调研报告初稿。",
        "percent": 70,
        "status": "in_progress",
    } | extra


# --- progress reports -----------------------------------------------------------------------------------


class TestReportList:
    def test_a_school_sees_only_its_own_assignments_reports(self, api, history, today):
        rows = api("unit_staff").get(f"{BASE}/reports/").json()["results"]
        assert rows and {row["unit"]["name"] for row in rows} == {history.lead1.unit.name}
        assert {row["assignment"] for row in rows} <= {history.lead1.pk, history.co2.pk}

    def test_the_bureau_sees_every_units_reports(self, api, history, today):
        everything = ids(api("supervisor").get(f"{BASE}/reports/"))
        assert everything == set(ProgressReport.objects.values_list("pk", flat=True))
        assert ids(api("leader").get(f"{BASE}/reports/")) == everything

    def test_a_report_shows_its_task_period_status_author_and_correction(self, api, history, today):
        corrected = ProgressReport.objects.get(assignment=history.lead1, period_key="2020-09", supersedes__isnull=False)
        row = api("unit_manager").get(f"{BASE}/reports/{corrected.pk}/").json()
        assert row["task"] == {"id": history.tasks[0].pk, "path": "一.1", "headline": history.tasks[0].headline}
        assert row["period_key"] == "2020-09" and row["period_label"] == "2020年9月"
        assert row["status"] == "in_progress" and row["status_label"] == "推进中"
        assert row["approval_state"] == "not_needed" and row["supersedes"] == corrected.supersedes_id
        assert row["author"]["id"] == corrected.author_id
        assert row["created_at"].endswith("+08:00")

    def test_another_units_report_is_not_found(self, api, history, today):
        school_report = ProgressReport.objects.filter(assignment=history.lead1).first()
        assert api("other_staff").get(f"{BASE}/reports/{school_report.pk}/").status_code == 404

    def test_filters_by_assignment_and_period(self, api, history, today):
        client = api("supervisor")
        rows = client.get(f"{BASE}/reports/", {"assignment": history.lead1.pk, "period_key": "2020-09"}).json()
        assert {row["period_key"] for row in rows["results"]} == {"2020-09"}
        assert len(rows["results"]) == 2
        assert ids(client.get(f"{BASE}/reports/", {"unit": history.lead2.unit_id})) == set(
            ProgressReport.objects.filter(assignment__unit=history.lead2.unit).values_list("pk", flat=True)
        )
        assert ids(client.get(f"{BASE}/reports/", {"plan": history.plan.pk + 1000})) == set()

    def test_ordering_by_filing_time_pages_oldest_first(self, api, history, today):
        response = api("supervisor").get(f"{BASE}/reports/", {"ordering": "created_at", "page_size": 3})
        rows = response.json()["results"]
        assert [row["created_at"] for row in rows] == sorted(row["created_at"] for row in rows)
        assert rows[0]["text"] == "8月制定学习方案。" and response.json()["next"]

    def test_updated_since_keeps_reports_filed_from_that_moment(self, api, history, today):
        rows = ids(api("supervisor").get(f"{BASE}/reports/", {"updated_since": "2020-10-20T00:00:00+08:00"}))
        assert rows == set(ProgressReport.objects.filter(period_key="2020-10").values_list("pk", flat=True))

    def test_a_staff_report_awaiting_approval_is_seen_by_its_unit_but_not_the_bureau(self, api, history, today):
        unit = history.lead1.unit
        unit.reports_need_approval = True
        unit.save(update_fields=["reports_need_approval"])
        response = api("unit_staff").post(f"{BASE}/reports/", report_body(history), format="json")
        assert response.status_code == 201 and response.json()["approval_state"] == "pending"
        pending = response.json()["id"]
        assert pending in ids(api("unit_manager").get(f"{BASE}/reports/"))
        assert pending not in ids(api("supervisor").get(f"{BASE}/reports/"))
        assert api("supervisor").get(f"{BASE}/reports/{pending}/").status_code == 404


class TestReportCreate:
    def test_a_unit_person_files_a_report_which_is_audited(self, api, history, today):
        response = api("unit_staff").post(f"{BASE}/reports/", report_body(history), format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["percent"] == 70 and body["supersedes"] is None and body["attachments"] == []
        assert AuditEvent.objects.filter(verb="report.submit", object_id=str(body["id"])).exists()
        history.lead1.refresh_from_db()
        assert history.lead1.percent == 70

    def test_a_second_report_for_the_period_is_a_correction(self, api, history, today):
        client = api("unit_manager")
        first = client.post(f"{BASE}/reports/", report_body(history), format="json").json()
        again = report_body(history, text="12月完成调研报告（更正）。", percent=75, period_key=first["period_key"])
        second = client.post(f"{BASE}/reports/", again, format="json")
        assert second.status_code == 201
        assert second.json()["supersedes"] == first["id"]
        assert AuditEvent.objects.filter(verb="report.correct", object_id=str(second.json()["id"])).exists()

    @pytest.mark.parametrize("role", ["admin", "supervisor", "leader"])
    def test_the_bureau_may_not_file_a_units_report(self, api, history, today, role):
        response = api(role).post(f"{BASE}/reports/", report_body(history), format="json")
        assert response.status_code == 403
        assert response.json()["detail"] == "只有承办单位的人员可以办理这项任务。"

    def test_another_units_assignment_is_not_found(self, api, history, today):
        assert api("other_staff").post(f"{BASE}/reports/", report_body(history), format="json").status_code == 404
        unknown = report_body(history, assignment=history.lead3.pk + 1000)
        assert api("unit_staff").post(f"{BASE}/reports/", unknown, format="json").status_code == 404

    def test_a_refused_step_is_a_400_with_the_services_reason(self, api, history, today):
        late = report_body(history, status="delayed")
        response = api("unit_staff").post(f"{BASE}/reports/", late, format="json")
        assert response.status_code == 400
        assert response.json() == {"detail": "进展滞后时，请写明滞后原因和下一步措施。"}
        old = report_body(history, period_key="2019-01")
        assert api("unit_staff").post(f"{BASE}/reports/", old, format="json").status_code == 400

    def test_a_read_only_token_and_no_token_cannot_file(self, api, anonymous, history, today):
        read_only = api("unit_staff", TokenScope.READ)
        assert read_only.get(f"{BASE}/reports/").status_code == 200
        assert read_only.post(f"{BASE}/reports/", report_body(history), format="json").status_code == 403
        assert anonymous.post(f"{BASE}/reports/", report_body(history), format="json").status_code in (401, 403)
        assert anonymous.get(f"{BASE}/reports/").status_code in (401, 403)

    def test_evidence_is_accepted_and_listed_with_its_download_address(self, api, history, today, media):
        client = api("unit_staff")
        response = client.post(f"{BASE}/reports/", report_body(history, files=[png(), png("签到表.png")]))
        assert response.status_code == 201, response.content
        files = response.json()["attachments"]
        assert [f["original_name"] for f in files] == ["现场照片.png", "签到表.png"]
        assert files[0]["size"] == len(PNG) and files[0]["content_type"] == "image/png"
        download = client.get(files[0]["download_url"])
        assert download.status_code == 200 and b"".join(download.streaming_content) == PNG

    def test_evidence_of_the_wrong_kind_is_refused(self, api, history, today, media):
        fake = SimpleUploadedFile("照片.png", b"MZ not a picture", content_type="image/png")
        response = api("unit_staff").post(f"{BASE}/reports/", report_body(history, files=[fake]))
        assert response.status_code == 400
        assert response.json()["detail"]
        script = SimpleUploadedFile("run.exe", b"MZ\x90\x00", content_type="application/octet-stream")
        assert api("unit_staff").post(f"{BASE}/reports/", report_body(history, files=[script])).status_code == 400
        assert not ProgressReport.objects.filter(created_at__date=TODAY).exists()

    @pytest.mark.parametrize("method", ["put", "patch", "delete"])
    def test_reports_cannot_be_changed_or_deleted(self, api, history, today, method):
        report = ProgressReport.objects.filter(assignment=history.lead1).first()
        client = api("unit_manager")
        assert (
            getattr(client, method)(f"{BASE}/reports/{report.pk}/", {"text": "改写"}, format="json").status_code == 405
        )
        assert getattr(client, method)(f"{BASE}/reports/", {}, format="json").status_code == 405


# --- attachments ----------------------------------------------------------------------------------------


class TestAttachments:
    @pytest.fixture
    def evidence(self, history, people, today, media):
        report = report_submit(
            actor=people["unit_staff"],
            assignment=history.lead1,
            text="附照片。",
            percent=65,
            status="in_progress",
            files=[png()],
        )
        return report.attachments.get()

    def test_a_unit_lists_and_downloads_its_own_evidence(self, api, evidence, today):
        client = api("unit_manager")
        assert ids(client.get(f"{BASE}/attachments/", {"report": evidence.report_id})) == {evidence.pk}
        response = client.get(f"{BASE}/attachments/{evidence.pk}/download/")
        assert response.status_code == 200 and response["Content-Type"] == "image/png"

    def test_another_unit_cannot_list_or_download_it(self, api, evidence, today):
        client = api("other_staff")
        assert evidence.pk not in ids(client.get(f"{BASE}/attachments/"))
        assert client.get(f"{BASE}/attachments/{evidence.pk}/download/").status_code == 404

    def test_the_bureau_downloads_it_once_the_report_is_visible(self, api, evidence, today):
        assert api("leader").get(f"{BASE}/attachments/{evidence.pk}/download/").status_code == 200

    def test_the_bureau_cannot_download_evidence_of_a_report_awaiting_approval(
        self, api, history, people, today, media
    ):
        unit = history.lead1.unit
        unit.reports_need_approval = True
        unit.save(update_fields=["reports_need_approval"])
        report = report_submit(
            actor=people["unit_staff"],
            assignment=history.lead1,
            text="待审。",
            percent=66,
            status="in_progress",
            files=[png()],
        )
        pending = report.attachments.get()
        assert api("supervisor").get(f"{BASE}/attachments/{pending.pk}/download/").status_code == 404
        assert api("unit_manager").get(f"{BASE}/attachments/{pending.pk}/download/").status_code == 200


# --- reminders ------------------------------------------------------------------------------------------


class TestReminders:
    def test_a_school_sees_no_reminder_of_another_school(self, api, history, today):
        assert ids(api("unit_staff").get(f"{BASE}/reminders/")) == set()
        rows = api("other_staff").get(f"{BASE}/reminders/").json()["results"]
        assert [row["assignment"] for row in rows] == [history.lead3.pk]
        assert rows[0]["kind"] == "manual" and rows[0]["kind_label"] == "人工催办"
        assert rows[0]["created_by"]["name"]

    def test_filters_by_kind_and_plan(self, api, history, today):
        client = api("supervisor")
        assert len(ids(client.get(f"{BASE}/reminders/", {"kind": "manual", "plan": history.plan.pk}))) == 1
        assert ids(client.get(f"{BASE}/reminders/", {"kind": "overdue"})) == set()

    @pytest.mark.parametrize("role", ["admin", "supervisor", "leader"])
    def test_supervising_roles_send_reminders(self, api, history, today, role):
        body = {"assignments": [history.lead1.pk, history.lead2.pk], "message": "请按时报送12月进展。"}
        response = api(role).post(f"{BASE}/reminders/", body, format="json")
        assert response.status_code == 201, response.content
        assert {row["assignment"] for row in response.json()} == {history.lead1.pk, history.lead2.pk}
        assert AuditEvent.objects.filter(verb="reminder.send").count() == 3  # the history's one and these two

    @pytest.mark.parametrize("role", ["unit_manager", "unit_staff"])
    def test_units_may_not_send_reminders(self, api, history, today, role):
        response = api(role).post(f"{BASE}/reminders/", {"assignments": [history.lead1.pk]}, format="json")
        assert response.status_code == 403

    def test_an_invisible_or_unknown_assignment_is_not_found(self, api, history, today):
        other = api("unit_staff").post(f"{BASE}/reminders/", {"assignments": [history.lead3.pk]}, format="json")
        assert other.status_code == 404
        unknown = api("supervisor").post(f"{BASE}/reminders/", {"assignments": [999999]}, format="json")
        assert unknown.status_code == 404
        assert Reminder.objects.count() == 1


# --- escalations ----------------------------------------------------------------------------------------


class TestEscalations:
    def test_a_unit_sees_its_escalation_with_the_responses(self, api, history, today):
        row = api("other_staff").get(f"{BASE}/escalations/{history.escalation.pk}/").json()
        assert row["level"] == "manual" and row["level_label"] == "人工督办"
        assert [r["text"] for r in row["responses"]] == ["已签收并部署。"]
        assert row["closed_at"] is None and row["response_due"]

    def test_another_unit_cannot_see_it(self, api, history, today):
        assert ids(api("unit_staff").get(f"{BASE}/escalations/")) == set()
        assert api("unit_staff").get(f"{BASE}/escalations/{history.escalation.pk}/").status_code == 404

    @pytest.mark.parametrize(
        ("role", "code"), [("admin", 201), ("supervisor", 201), ("leader", 201), ("unit_manager", 403)]
    )
    def test_who_may_raise_an_escalation(self, api, history, today, role, code):
        body = {"assignment": history.lead1.pk, "reason": "12月未报送。", "response_due": "2020-12-20"}
        response = api(role).post(f"{BASE}/escalations/", body, format="json")
        assert response.status_code == code
        if code == 201:
            assert response.json()["reason"] == "12月未报送。" and response.json()["responses"] == []

    def test_a_past_response_date_is_refused(self, api, history, today):
        body = {"assignment": history.lead1.pk, "reason": "督办。", "response_due": "2020-12-01"}
        response = api("supervisor").post(f"{BASE}/escalations/", body, format="json")
        assert response.status_code == 400 and response.json() == {"detail": "反馈时限不能早于今天。"}

    def test_the_unit_responds_and_the_supervisor_closes(self, api, history, today):
        url = f"{BASE}/escalations/{history.escalation.pk}"
        assert api("supervisor").post(f"{url}/respond/", {"text": "代答"}, format="json").status_code == 403
        assert api("unit_staff").post(f"{url}/respond/", {"text": "不是我们的"}, format="json").status_code == 404
        answered = api("other_staff").post(f"{url}/respond/", {"text": "12月已整改完毕。"}, format="json")
        assert answered.status_code == 200 and len(answered.json()["responses"]) == 2
        assert api("other_staff").post(f"{url}/close/").status_code == 403
        closed = api("supervisor").post(f"{url}/close/")
        assert closed.status_code == 200 and closed.json()["closed_at"].endswith("+08:00")
        assert AuditEvent.objects.filter(verb="escalation.close", object_id=str(history.escalation.pk)).exists()
        again = api("supervisor").post(f"{url}/close/")
        assert again.status_code == 400 and again.json() == {"detail": "这份督办已经销号。"}

    def test_updated_since_catches_a_closure(self, api, history, today):
        client = api("supervisor")
        since = {"updated_since": "2020-12-01"}
        assert ids(client.get(f"{BASE}/escalations/", since)) == set()
        client.post(f"{BASE}/escalations/{history.escalation.pk}/close/")
        assert ids(client.get(f"{BASE}/escalations/", since)) == {history.escalation.pk}
        assert ids(client.get(f"{BASE}/escalations/", {"closed": "true"})) == {history.escalation.pk}


# --- instructions ---------------------------------------------------------------------------------------


class TestInstructions:
    @pytest.mark.parametrize(
        ("role", "code"), [("admin", 201), ("leader", 201), ("supervisor", 403), ("unit_manager", 403)]
    )
    def test_who_may_give_an_instruction(self, api, history, today, role, code):
        response = api(role).post(
            f"{BASE}/instructions/", {"task": history.tasks[0].pk, "text": "抓紧推进。"}, format="json"
        )
        assert response.status_code == code
        if code == 201:
            assert response.json()["task"]["path"] == "一.1" and response.json()["acknowledgements"] == []

    def test_units_see_instructions_on_their_tasks_only(self, api, history, people, today):
        on_task3 = instruction_give(actor=people["leader"], task=history.tasks[2], text="务必按期完成。")
        assert on_task3.pk not in ids(api("unit_staff").get(f"{BASE}/instructions/"))
        assert on_task3.pk in ids(api("other_staff").get(f"{BASE}/instructions/"))
        assert api("unit_staff").get(f"{BASE}/instructions/{on_task3.pk}/").status_code == 404

    def test_a_unit_acknowledges_once_and_sees_its_own_acknowledgement(self, api, history, people, today):
        instruction = instruction_give(actor=people["leader"], task=history.tasks[0], text="加强统筹。")
        instruction_acknowledge(actor=history.dept_staff, instruction=instruction)
        url = f"{BASE}/instructions/{instruction.pk}/acknowledge/"
        assert api("supervisor").post(url).status_code == 403
        response = api("unit_staff").post(url)
        assert response.status_code == 200
        assert [ack["unit"]["id"] for ack in response.json()["acknowledgements"]] == [history.lead1.unit_id]
        assert len(api("leader").get(f"{BASE}/instructions/{instruction.pk}/").json()["acknowledgements"]) == 2
        assert api("unit_manager").post(url).status_code == 400
        assert api("other_staff").post(url).status_code == 404


# --- completion and extension requests ------------------------------------------------------------------


class TestCompletionRequests:
    def test_a_unit_asks_to_close_with_evidence(self, api, history, today, media):
        body = {"assignment": history.lead1.pk, "summary": "调研报告已印发。", "files": [png("印发文件.png")]}
        response = api("unit_staff").post(f"{BASE}/completion-requests/", body)
        assert response.status_code == 201, response.content
        row = response.json()
        assert row["decision"] == "pending" and row["decision_label"] == "待审核"
        assert [f["original_name"] for f in row["attachments"]] == ["印发文件.png"]
        assert AuditEvent.objects.filter(verb="completion.request", object_id=str(row["id"])).exists()

    @pytest.mark.parametrize("role", ["admin", "supervisor", "leader"])
    def test_the_bureau_may_not_ask_for_a_unit(self, api, history, today, role):
        body = {"assignment": history.lead1.pk, "summary": "代为申请。"}
        assert api(role).post(f"{BASE}/completion-requests/", body, format="json").status_code == 403

    @pytest.mark.parametrize(
        ("role", "code"), [("supervisor", 200), ("admin", 200), ("leader", 403), ("unit_manager", 403)]
    )
    def test_who_may_decide(self, api, history, people, today, role, code):
        request = completion_request_submit(actor=people["unit_staff"], assignment=history.lead1, summary="已完成。")
        url = f"{BASE}/completion-requests/{request.pk}/decide/"
        response = api(role).post(url, {"approve": False, "reason": "缺少佐证。"}, format="json")
        assert response.status_code == code
        if code == 200:
            assert response.json()["decision"] == "returned" and response.json()["decision_reason"] == "缺少佐证。"

    def test_a_return_without_a_reason_is_refused_and_others_requests_are_hidden(self, api, history, people, today):
        request = completion_request_submit(actor=people["unit_staff"], assignment=history.lead1, summary="已完成。")
        response = api("supervisor").post(f"{BASE}/completion-requests/{request.pk}/decide/", {"approve": False})
        assert response.status_code == 400 and "理由" in response.json()["detail"]
        assert request.pk not in ids(api("other_staff").get(f"{BASE}/completion-requests/"))
        assert api("other_staff").get(f"{BASE}/completion-requests/{request.pk}/").status_code == 404
        lead2_request = CompletionRequest.objects.get(assignment=history.lead2)
        assert ids(api("unit_staff").get(f"{BASE}/completion-requests/")) == {request.pk}
        assert lead2_request.pk in ids(api("leader").get(f"{BASE}/completion-requests/"))


class TestExtensionRequests:
    def test_a_unit_asks_and_the_supervisor_grants_another_date(self, api, history, today):
        body = {"assignment": history.lead1.pk, "requested_due": "2021-03-31", "reason": "需补充调研。"}
        asked = api("unit_manager").post(f"{BASE}/extension-requests/", body, format="json")
        assert asked.status_code == 201, asked.content
        assert asked.json()["current_due"] == "2021-01-31" and asked.json()["decision"] == "pending"
        decide = f"{BASE}/extension-requests/{asked.json()['id']}/decide/"
        assert api("leader").post(decide, {"grant": True}, format="json").status_code == 403
        granted = api("supervisor").post(decide, {"grant": True, "granted_due": "2021-02-28"}, format="json")
        assert granted.status_code == 200
        assert granted.json()["decision"] == "granted" and granted.json()["granted_due"] == "2021-02-28"
        history.lead1.refresh_from_db()
        assert history.lead1.due_on == D(2021, 2, 28)

    def test_an_earlier_date_is_refused(self, api, history, today):
        body = {"assignment": history.lead1.pk, "requested_due": "2021-01-15", "reason": "理由。"}
        response = api("unit_staff").post(f"{BASE}/extension-requests/", body, format="json")
        assert response.status_code == 400 and "须晚于现行时限" in response.json()["detail"]

    @pytest.mark.parametrize(("role", "code"), [("supervisor", 403), ("other_staff", 404), ("unit_staff", 201)])
    def test_who_may_ask(self, api, history, today, role, code):
        body = {"assignment": history.lead1.pk, "requested_due": "2021-03-31", "reason": "需补充调研。"}
        assert api(role).post(f"{BASE}/extension-requests/", body, format="json").status_code == code

    def test_a_school_sees_only_its_own_requests(self, api, history, people, today):
        extension_request_submit(
            actor=history.dept_staff, assignment=history.lead2, requested_due=D(2021, 1, 10), reason="补材料。"
        )
        mine = set(ExtensionRequest.objects.filter(assignment__unit=history.lead1.unit).values_list("pk", flat=True))
        assert ids(api("unit_staff").get(f"{BASE}/extension-requests/")) == mine
        assert ids(api("admin").get(f"{BASE}/extension-requests/")) == set(
            ExtensionRequest.objects.values_list("pk", flat=True)
        )


# --- query counts ---------------------------------------------------------------------------------------


def add_records(history, people, round_: int) -> None:
    """Add records of every kind that the school and the bureau see, evidence files included; rounds 0 and 1."""
    staff, dept, other = people["unit_staff"], history.dept_staff, people["other_staff"]
    supervisor, leader = people["supervisor"], people["leader"]
    holders = ((staff, history.lead1), (staff, history.co2), (dept, history.lead2), (other, history.lead3))
    for actor, assignment in holders:
        for n in range(2):
            report_submit(
                actor=actor, assignment=assignment, text=f"补充{n}", percent=70, status="in_progress", files=[png()]
            )
    reminder_send(actor=supervisor, assignments=[history.lead1, history.lead2, history.co2], message="请报送。")
    for actor, assignment in ((staff, history.lead1), (staff, history.co2), (dept, history.lead2)):
        escalation = escalation_raise(actor=supervisor, assignment=assignment, reason="督办。")
        escalation_respond(actor=actor, escalation=escalation, text="已整改。")
    for task in history.tasks:
        instruction = instruction_give(actor=leader, task=task, text="抓落实。")
        for actor in (staff, dept, other):
            if task.assignments.filter(unit_id=actor.unit_id).exists():
                instruction_acknowledge(actor=actor, instruction=instruction)
    later = D(2021, 2, 1)
    if round_ == 0:
        extension_request_submit(actor=dept, assignment=history.lead2, requested_due=later, reason="补材料。")
        completion_request_submit(actor=staff, assignment=history.lead1, summary="已完成。", files=[png()])
        completion_request_submit(actor=other, assignment=history.lead3, summary="已完成。", files=[png()])
    else:
        extension_request_submit(actor=staff, assignment=history.co2, requested_due=later, reason="补材料。")
        extension_request_submit(actor=dept, assignment=history.co1, requested_due=later, reason="补材料。")
        completion_request_submit(actor=staff, assignment=history.co2, summary="已完成。", files=[png()])
        completion_request_submit(actor=dept, assignment=history.co1, summary="已完成。", files=[png()])


def count_queries(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries), len(response.json()["results"])


LISTS = [
    "reports",
    "attachments",
    "reminders",
    "escalations",
    "instructions",
    "completion-requests",
    "extension-requests",
]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("role", ["supervisor", "unit_staff"])
def test_a_list_takes_the_same_number_of_queries_whatever_its_length(api, history, people, today, media, path, role):
    client = api(role)
    url = f"{BASE}/{path}/"
    add_records(history, people, 0)
    client.get(url)  # the token's first use records last_used_at
    before, rows_before = count_queries(client, url)
    add_records(history, people, 1)
    after, rows_after = count_queries(client, url)
    assert 0 < rows_before < rows_after
    assert after == before
