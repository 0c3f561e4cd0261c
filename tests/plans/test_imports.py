"""Importing a plan (立项): upload or paste, review and correct, confirm all or nothing; who may do it."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from audit.models import AuditEvent
from core import clock
from plans.models import Assignment, ImportStatus, Plan, PlanImport, Section, Task
from plans.services.import_review import plan_import_bulk_assign, plan_import_update_review
from plans.services.imports import (
    PlanImportError,
    plan_import_confirm,
    plan_import_start,
)
from tests.factories import SchoolFactory, UnitFactory

pytestmark = pytest.mark.django_db

PLAN_TEXT = """
某教〔2024〕8号
湖里区教育局2024年工作要点
一、党的建设
1.加强基层党组织建设。（牵头单位：组织干部科；配合单位：办公室）
2.推进清廉学校建设。6月底前完成评估。（责任科室：纪检组）
二、教育质量
1.推进课后服务全覆盖。秋季学期全面实施。
2.开展体质健康监测。（牵头单位：基础教育科）
"""


@pytest.fixture
def units(bureau):
    UnitFactory(name="组织干部科", short_name="组干科", kind="department", parent=bureau["bureau"])
    SchoolFactory(name="湖里区第三实验小学", parent=bureau["bureau"])
    return bureau


def start(people, text=PLAN_TEXT, **kwargs):
    return plan_import_start(actor=people["admin"], pasted_text=text, **kwargs)


def rows_by_path(record):
    return {".".join(row["path"]): row for row in record.review["rows"]}


def test_pasted_text_is_parsed_into_a_review_tree_with_owners_matched(people, units):
    record = start(people)

    assert record.status == ImportStatus.READY and record.progress == 100
    meta = record.review["metadata"]
    assert (meta["title"], meta["doc_number"], meta["plan_year"]) == (
        "湖里区教育局2024年工作要点",
        "某教〔2024〕8号",
        2024,
    )
    rows = rows_by_path(record)
    assert [path for path, row in rows.items() if row["kind"] == "item"] == ["一.1", "一.2", "二.1", "二.2"]
    first = rows["一.1"]
    assert first["title"] == "加强基层党组织建设"
    assert first["lead"]["unit_id"] == units["department"].__class__.objects.get(name="组织干部科").pk
    assert first["co"][0]["unit_id"] == units["office"].pk
    assert rows["一.2"]["deadline"] == "2024-06-30" and rows["一.2"]["deadline_text"] == "6月底前"
    assert rows["二.1"]["deadline"] == "2024-09-01"
    assert "纪检组" in record.review["unmatched"]
    assert any("没有写明时限" in warning for warning in rows["二.2"]["warnings"])


def test_confirm_creates_plan_sections_tasks_and_assignments_in_one_go(people, units):
    record = start(people)

    plan = plan_import_confirm(actor=people["admin"], plan_import=record, create_units=["纪检组"])

    assert plan.status == "draft" and plan.plan_year == 2024 and plan.doc_number == "某教〔2024〕8号"
    assert list(Section.objects.filter(plan=plan).values_list("path", "title")) == [
        ("一", "党的建设"),
        ("二", "教育质量"),
    ]
    tasks = {task.path: task for task in Task.objects.filter(plan=plan)}
    assert list(tasks) == ["一.1", "一.2", "二.1", "二.2"]
    assert tasks["一.2"].deadline == datetime.date(2024, 6, 30) and tasks["一.2"].deadline_text == "6月底前"
    assert tasks["二.2"].deadline == datetime.date(2024, 12, 31)  # defaulted to the year end
    lead = Assignment.objects.get(task=tasks["一.1"], role="lead")
    assert lead.unit.name == "组织干部科"
    assert Assignment.objects.get(task=tasks["一.2"], role="lead").unit.name == "纪检组"  # the new unit
    assert not Assignment.objects.filter(task=tasks["二.1"]).exists()
    record.refresh_from_db()
    assert record.status == ImportStatus.CONFIRMED and record.plan == plan
    assert AuditEvent.objects.filter(verb="plan.import", object_id=str(plan.pk)).exists()


def test_a_failure_while_creating_leaves_nothing_behind(people, units, monkeypatch):
    record = start(people)
    before = (Plan.objects.count(), Task.objects.count(), Section.objects.count())

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Assignment.objects, "bulk_create", boom)
    with pytest.raises(RuntimeError):
        plan_import_confirm(actor=people["admin"], plan_import=record)

    assert (Plan.objects.count(), Task.objects.count(), Section.objects.count()) == before
    record.refresh_from_db()
    assert record.status == ImportStatus.READY


def test_corrections_leaving_out_a_part_and_retitling_an_item_are_applied(people, units):
    record = start(people)
    rows = rows_by_path(record)
    errors = plan_import_update_review(
        actor=people["admin"],
        plan_import=record,
        metadata={"title": "修订后的标题"},
        rows={
            rows["二"]["id"]: {"include": "", "title": "教育质量"},
            rows["一.1"]["id"]: {
                "include": "on",
                "title": "加强基层党组织标准化建设",
                "lead": "办公室",
                "co": "",
                "deadline": "2024-05-31",
            },
        },
    )
    assert errors == []
    plan = plan_import_confirm(actor=people["admin"], plan_import=record)

    assert plan.title == "修订后的标题"
    assert list(plan.tasks.values_list("path", "headline")) == [
        ("一.1", "加强基层党组织标准化建设"),
        ("一.2", "推进清廉学校建设"),
    ]
    task = plan.tasks.get(path="一.1")
    assert task.deadline == datetime.date(2024, 5, 31)
    assert [(a.unit.name, a.role) for a in task.assignments.all()] == [("办公室", "lead")]


def test_invalid_corrections_are_reported_and_the_typed_values_kept(people, units):
    record = start(people)
    rows = rows_by_path(record)
    errors = plan_import_update_review(
        actor=people["admin"],
        plan_import=record,
        metadata={"plan_year": "二〇二四"},
        rows={rows["一.1"]["id"]: {"include": "on", "title": "", "deadline": "明年"}},
    )
    assert len(errors) == 3
    assert (
        any("计划年度" in e for e in errors)
        and any("不能为空" in e for e in errors)
        and any("不是有效日期" in e for e in errors)
    )


def test_bulk_assign_to_all_schools_gives_every_school_a_co_assignment(people, units):
    record = start(people)
    rows = rows_by_path(record)

    count = plan_import_bulk_assign(
        actor=people["admin"], plan_import=record, row_ids=[rows["二.1"]["id"]], unit_name="全部学校", role="co"
    )
    plan = plan_import_confirm(actor=people["admin"], plan_import=record)

    schools = set(units["school"].__class__.objects.filter(kind="school").values_list("name", flat=True))
    task = plan.tasks.get(path="二.1")
    assert count == 1
    assert {a.unit.name for a in task.assignments.filter(role="co")} == schools


def test_bulk_assign_to_an_unknown_unit_is_refused(people, units):
    record = start(people)
    with pytest.raises(PlanImportError, match="找不到单位"):
        plan_import_bulk_assign(
            actor=people["admin"], plan_import=record, row_ids=["r1"], unit_name="火星科", role="lead"
        )


def test_a_placeholder_year_must_be_given_before_confirming(people, units):
    record = start(people, text="202x年工作要点\n一、重点工作\n1.推进改革。\n2.加强管理。")
    assert record.review["metadata"]["plan_year"] is None

    with pytest.raises(PlanImportError, match="请填写计划年度（原文写作“202x年”）"):
        plan_import_confirm(actor=people["admin"], plan_import=record)

    plan_import_update_review(actor=people["admin"], plan_import=record, metadata={"plan_year": "2025"}, rows={})
    plan = plan_import_confirm(actor=people["admin"], plan_import=record)
    assert plan.plan_year == 2025 and plan.tasks.get(path="一.1").deadline == datetime.date(2025, 12, 31)


def test_confirming_twice_is_refused(people, units):
    record = start(people)
    plan_import_confirm(actor=people["admin"], plan_import=record)
    with pytest.raises(PlanImportError, match="不能再次确认"):
        plan_import_confirm(actor=people["admin"], plan_import=record)
    assert Plan.objects.count() == 1


def test_reimport_as_a_new_version_lists_what_changed_item_by_item(people, units):
    first = plan_import_confirm(actor=people["admin"], plan_import=start(people))
    revised = (
        PLAN_TEXT.replace("6月底前完成评估", "9月底前完成评估")
        .replace("2.开展体质健康监测。（牵头单位：基础教育科）", "")
        .replace("推进课后服务全覆盖", "推进课后服务提质扩面")
    )
    record = start(people, text=revised, previous_plan=first)

    diff = {(change["path"], change["change"]) for change in record.review["diff"]}
    assert diff == {("一.2", "changed"), ("二.1", "changed"), ("二.2", "removed")}
    second = plan_import_confirm(actor=people["admin"], plan_import=record)
    assert (second.version, second.previous_version) == (2, first)


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("空.txt", b"", "请上传文件或粘贴文本"),
        ("图片.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "图片"),
        ("扫描件.pdf", None, "文字层"),
    ],
)
def test_bad_files_fail_with_a_clear_message_and_create_no_plan(people, units, filename, data, message):
    if data is None:
        from reportlab.pdfgen import canvas

        buffer = io.BytesIO()
        page = canvas.Canvas(buffer)
        page.rect(100, 100, 200, 200, fill=1)
        page.save()
        data = buffer.getvalue()
    try:
        record = plan_import_start(actor=people["admin"], filename=filename, data=data)
    except PlanImportError as exc:
        assert message in str(exc)
    else:
        assert record.status == ImportStatus.FAILED and message in record.error
    assert Plan.objects.count() == 0


def test_oversized_files_are_refused(people, units, settings):
    settings.PLAN_IMPORT_MAX_BYTES = 1024
    with pytest.raises(PlanImportError, match="文件过大"):
        plan_import_start(actor=people["admin"], filename="大.txt", data=b"x" * 2048)


def test_long_documents_are_parsed_by_the_worker_task(people, units, django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr("plans.tasks.parse_plan_import.delay", lambda pk: sent.append(pk))
    big = PLAN_TEXT + "\n".join(f"{n}.第{n}项补充任务。" + "内容" * 200 for n in range(3, 400))
    with django_capture_on_commit_callbacks(execute=True):
        record = start(people, text=big)
    assert record.status == ImportStatus.PARSING and sent == [record.pk]

    from plans.tasks import parse_plan_import

    parse_plan_import(record.pk)
    record.refresh_from_db()
    assert record.status == ImportStatus.READY and record.progress == 100
    parse_plan_import(record.pk)  # a second run changes nothing
    assert PlanImport.objects.get(pk=record.pk).review == record.review


class TestPages:
    def test_admin_pastes_reviews_and_confirms(self, client, people, units):
        client.force_login(people["admin"])
        response = client.post(reverse("plans:import_start"), {"text": PLAN_TEXT})
        record = PlanImport.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse("plans:import_detail", args=[record.pk])

        page = client.get(response["Location"]).content.decode()
        assert "审核导入结果" in page and "加强基层党组织建设" in page and "确认立项（4 项任务）" in page

        data = {"action": "confirm", "create_unit": ["纪检组"]}
        for row in record.review["rows"]:
            data[f"{row['id']}-title"] = row["title"]
            data[f"{row['id']}-include"] = "on"
        confirm = client.post(reverse("plans:import_review", args=[record.pk]), data)
        plan = Plan.objects.get()
        assert confirm.status_code == 302 and confirm["Location"] == reverse("plans:plan_detail", args=[plan.pk])
        detail = client.get(confirm["Location"]).content.decode()
        assert ("发布计划" in detail and "组干科" in detail) or "组织干部科" in detail

    def test_upload_with_both_a_file_and_text_is_refused(self, client, people, units):
        client.force_login(people["admin"])
        response = client.post(
            reverse("plans:import_start"), {"text": PLAN_TEXT, "file": SimpleUploadedFile("a.txt", PLAN_TEXT.encode())}
        )
        assert response.status_code == 400 and "请只选择一种方式" in response.content.decode()
        assert PlanImport.objects.count() == 0

    def test_old_word_files_are_refused_with_advice(self, client, people, units):
        client.force_login(people["admin"])
        response = client.post(
            reverse("plans:import_start"), {"file": SimpleUploadedFile("旧.doc", b"\xd0\xcf\x11\xe0")}
        )
        assert response.status_code == 400 and "另存为" in response.content.decode()

    def test_progress_polling_redirects_when_parsing_is_done(self, client, people, units):
        client.force_login(people["admin"])
        record = start(people)
        response = client.get(reverse("plans:import_progress", args=[record.pk]))
        assert response["HX-Redirect"] == reverse("plans:import_detail", args=[record.pk])

    @pytest.mark.parametrize("role", ["supervisor", "leader", "unit_manager", "unit_staff"])
    def test_only_admins_may_import(self, client, people, units, role):
        record = start(people)
        client.force_login(people[role])
        assert client.get(reverse("plans:import_start")).status_code == 403
        assert client.post(reverse("plans:import_start"), {"text": PLAN_TEXT}).status_code == 403
        assert client.get(reverse("plans:import_detail", args=[record.pk])).status_code == 403
        assert client.post(reverse("plans:import_review", args=[record.pk]), {"action": "confirm"}).status_code == 403
        assert Plan.objects.count() == 0

    def test_plan_page_shows_a_school_only_its_own_tasks(self, client, people, units):
        record = start(people)
        rows = rows_by_path(record)
        plan_import_update_review(
            actor=people["admin"],
            plan_import=record,
            metadata={},
            rows={rows["二.1"]["id"]: {"include": "on", "title": "推进课后服务全覆盖", "lead": units["school"].name}},
        )
        plan = plan_import_confirm(actor=people["admin"], plan_import=record)
        client.force_login(people["admin"])
        client.post(reverse("plans:plan_publish", args=[plan.pk]))
        client.force_login(people["unit_staff"])

        page = client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()

        assert "推进课后服务全覆盖" in page and "加强基层党组织建设" not in page
        client.force_login(people["other_staff"])
        assert client.get(reverse("plans:plan_detail", args=[plan.pk])).status_code == 404


def test_parse_plan_prints_the_answer_key_schema(capsys):
    call_command("parse_plan", "seeds/002_c97d9de1b7c49a7b.txt")
    result = json.loads(capsys.readouterr().out)
    assert result["doc_number"] == "厦湖教〔2020〕132号" and result["item_count"] == 30
    assert result["items"][10] | {"path": ["三", "11"]} == result["items"][10]
    assert result["items"][10]["title"] == "全力推进补短扩容项目建设"


def test_score_import_gives_full_marks_on_the_seed_documents(capsys):
    call_command("score_import", "seeds")
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1] == "overall items F1: 100.0%"
    assert any(line.startswith("overall sections: P=100.0% R=100.0% F1=100.0%") for line in lines)
    assert any(line.startswith("overall deadlines: P=100.0% R=100.0% F1=100.0%") for line in lines)


def test_seed_demo_imports_the_seed_documents(people):
    call_command("seed_demo", stdout=io.StringIO())
    published = Plan.objects.get(source_name="002_c97d9de1b7c49a7b.txt")
    assert published.status == "published" and published.tasks.count() == 30
    assert Assignment.objects.filter(task__plan=published, role="lead").count() == 30
    assert Plan.objects.filter(status="draft").count() == 3
    live = Plan.objects.get(source_name="004_c7b734d525e95475.txt")  # 202x in the text: this year's live plan
    assert live.status == "published" and live.plan_year == clock.today().year
    school_tasks = Assignment.objects.filter(task__plan=published, unit__name="厦门市湖里区实验小学")
    assert school_tasks.count() >= 3


def test_dates_before_the_plan_year_are_history_not_deadlines(people, units):
    record = start(
        people,
        text="湖里区教育局2024年工作要点\n一、回顾与安排\n1.巩固成果。2018年建成全国示范区，今后持续巩固。\n2.新建学校。9月底前完成。",
    )
    rows = rows_by_path(record)
    assert rows["一.1"]["deadline"] == "2024-12-31"
    assert any("早于计划年度" in warning for warning in rows["一.1"]["warnings"])
    assert rows["一.2"]["deadline"] == "2024-09-30"


def test_the_confirm_button_counts_only_the_items_that_will_be_imported(client, people, units):
    record = start(people)
    rows = rows_by_path(record)
    plan_import_update_review(
        actor=people["admin"],
        plan_import=record,
        metadata={},
        rows={rows["二"]["id"]: {"include": "", "title": "教育质量"}},
    )
    client.force_login(people["admin"])
    page = client.get(reverse("plans:import_detail", args=[record.pk])).content.decode()
    assert "确认立项（2 项任务）" in page
    assert page.count('class="item depth-1 excluded"') == 2
