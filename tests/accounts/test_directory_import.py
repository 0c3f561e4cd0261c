"""Bulk import of units and people: preview, confirm, all-or-nothing, and who may do it."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from accounts.importers.directory import parse_directory_file
from accounts.models import DirectoryImport, Unit, UnitAlias, User
from accounts.services import (
    DirectoryImportError,
    directory_import_confirm,
    directory_import_upload,
)
from audit.models import AuditEvent
from tests.accounts.directory_files import GOOD_PEOPLE, GOOD_UNITS, csv_bytes, xlsx_bytes
from tests.factories import TEST_PASSWORD

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX if name.endswith(".xlsx") else "text/csv")


def snapshot() -> tuple[int, int, int, int]:
    return Unit.objects.count(), User.objects.count(), UnitAlias.objects.count(), AuditEvent.objects.count()


@pytest.fixture
def admin_user(db):
    return User.objects.create_superuser("root", "root@example.com", TEST_PASSWORD, full_name="管理员")


def test_good_file_previews_then_imports_units_people_parents_and_aliases(admin_user):
    record, plan = directory_import_upload(
        actor=admin_user, uploaded_file=upload("名单.xlsx", xlsx_bytes(GOOD_UNITS, GOOD_PEOPLE))
    )

    assert plan.ok
    assert plan.summary() == {
        "units_created": 4,
        "units_updated": 0,
        "people_created": 3,
        "people_updated": 0,
        "errors": 0,
    }
    assert Unit.objects.count() == 0, "a preview writes nothing but the upload record"

    result = directory_import_confirm(actor=admin_user, directory_import=record)

    bureau = Unit.objects.get(name="湖里区教育局")
    department = Unit.objects.get(name="组织干部科")
    school = Unit.objects.get(name="厦门市湖里区实验小学")
    assert (department.parent, school.parent) == (bureau, bureau)
    assert (school.kind, school.stage, school.ownership, school.code) == ("school", "primary", "public", "XM-001")
    assert set(department.aliases.values_list("alias", flat=True)) == {"组织科", "干部科"}
    chen = User.objects.get(username="zgk_chen")
    assert (chen.unit, chen.role, chen.phone, chen.title) == (department, "unit_manager", "13800000001", "科长")
    assert User.objects.get(username="duban_wang").unit is None
    assert authenticate(username="zgk_chen", password="Zugan-2020-pass") == chen
    # A blank password is generated, shown once, and works.
    [(username, full_name, password)] = result.generated_passwords
    assert (username, full_name) == ("syxx_li", "李老师")
    assert authenticate(username="syxx_li", password=password).unit == school
    record.refresh_from_db()
    assert record.status == "applied" and record.applied_at is not None
    assert AuditEvent.objects.filter(verb="unit.create").count() == 4
    assert AuditEvent.objects.filter(verb="user.create", object_repr="陈科长").get().actor == admin_user


def test_person_can_name_a_unit_by_its_short_name_or_an_existing_alias(admin_user):
    directory_import_confirm(
        actor=admin_user,
        directory_import=directory_import_upload(
            actor=admin_user, uploaded_file=upload("u.xlsx", xlsx_bytes(GOOD_UNITS))
        )[0],
    )
    people = [
        ["a1", "甲", "组织科", "单位经办人", "", "", "", ""],
        ["a2", "乙", "实验小学", "单位经办人", "", "", "", ""],
    ]
    record, plan = directory_import_upload(actor=admin_user, uploaded_file=upload("p.xlsx", xlsx_bytes([], people)))

    assert plan.errors == []
    directory_import_confirm(actor=admin_user, directory_import=record)
    assert User.objects.get(username="a1").unit.name == "组织干部科"
    assert User.objects.get(username="a2").unit.name == "厦门市湖里区实验小学"


def test_reimport_updates_existing_units_and_people_instead_of_duplicating(admin_user):
    first, _ = directory_import_upload(
        actor=admin_user, uploaded_file=upload("a.xlsx", xlsx_bytes(GOOD_UNITS, GOOD_PEOPLE))
    )
    directory_import_confirm(actor=admin_user, directory_import=first)
    changed_units = [["厦门市湖里区实验小学", "湖里实小", "学校", "九年一贯制", "公办", "湖里区教育局", "", "", 5]]
    changed_people = [["syxx_li", "李明", "", "单位负责人", "", "", "", ""]]

    second, plan = directory_import_upload(
        actor=admin_user, uploaded_file=upload("b.xlsx", xlsx_bytes(changed_units, changed_people))
    )
    assert plan.summary()["units_updated"] == 1 and plan.summary()["people_updated"] == 1
    directory_import_confirm(actor=admin_user, directory_import=second)

    school = Unit.objects.get(name="厦门市湖里区实验小学")
    assert (school.short_name, school.stage, school.sort_order, school.code) == ("湖里实小", "nine_year", 5, "XM-001")
    li = User.objects.get(username="syxx_li")
    assert (li.full_name, li.role, li.unit) == ("李明", "unit_manager", school)
    update = AuditEvent.objects.get(verb="unit.update", object_id=str(school.pk))
    assert update.changes["short_name"] == ["实验小学", "湖里实小"]
    assert update.changes["stage"] == ["primary", "nine_year"]
    assert Unit.objects.count() == 4 and User.objects.count() == 4


def test_file_with_bad_rows_creates_nothing_and_reports_every_error(admin_user):
    directory_import_confirm(
        actor=admin_user,
        directory_import=directory_import_upload(
            actor=admin_user, uploaded_file=upload("u.xlsx", xlsx_bytes(GOOD_UNITS[:2]))
        )[0],
    )
    before = snapshot()
    units = [
        ["新建小学", "", "学校", "小学", "公办", "湖里区教育局", "", "", ""],  # row 2: fine on its own
        ["新建中学", "", "学校", "中学", "公办", "不存在的局", "", "", ""],  # row 3: unknown parent
        ["新建幼儿园", "", "幼儿园", "", "公办", "", "组织科", "", ""],  # row 4: alias owned by another unit
        ["组干科", "", "机关科室", "", "", "", "", "", ""],  # row 5: name is another unit's short name
    ]
    people = [
        ["ok_user", "正常", "新建小学", "单位经办人", "", "", "", ""],  # row 2: fine on its own
        ["weak", "弱密码", "新建小学", "单位经办人", "", "", "", "123"],  # row 3: password fails validators
        ["nounit", "无单位", "", "单位经办人", "", "", "", ""],  # row 4: unit role without a unit
        ["ghost", "幽灵", "不存在的学校", "单位经办人", "", "", "", ""],  # row 5: unknown unit
    ]

    record, plan = directory_import_upload(
        actor=admin_user, uploaded_file=upload("bad.xlsx", xlsx_bytes(units, people))
    )

    assert [(e.sheet, e.row, e.column) for e in plan.errors] == [
        ("单位", 3, "上级单位"),
        ("单位", 4, "别名"),
        ("单位", 5, "单位名称"),
        ("人员", 3, "初始密码"),
        ("人员", 4, "所属单位"),
        ("人员", 5, "所属单位"),
    ]
    assert "找不到单位“不存在的局”" in plan.errors[0].message
    assert "密码" in plan.errors[3].message
    assert record.status == "rejected"
    with pytest.raises(DirectoryImportError):
        directory_import_confirm(actor=admin_user, directory_import=record)
    assert snapshot() == before


def test_a_failure_while_writing_rolls_back_every_row(admin_user, monkeypatch):
    record, plan = directory_import_upload(
        actor=admin_user, uploaded_file=upload("a.xlsx", xlsx_bytes(GOOD_UNITS, GOOD_PEOPLE))
    )
    assert plan.ok
    before = snapshot()
    import accounts.services as services

    real_user_create = services.user_create

    def failing_user_create(**kwargs):
        if kwargs["username"] == "duban_wang":  # the last row
            from django.db import IntegrityError

            raise IntegrityError("simulated failure on the last row")
        return real_user_create(**kwargs)

    monkeypatch.setattr(services, "user_create", failing_user_create)

    with pytest.raises(DirectoryImportError, match="未导入任何内容"):
        directory_import_confirm(actor=admin_user, directory_import=record)

    assert snapshot() == before
    record.refresh_from_db()
    assert record.status == "previewed"


def test_a_previewed_file_can_be_confirmed_only_once(admin_user):
    record, _ = directory_import_upload(actor=admin_user, uploaded_file=upload("a.xlsx", xlsx_bytes(GOOD_UNITS)))
    directory_import_confirm(actor=admin_user, directory_import=record)

    with pytest.raises(DirectoryImportError, match="已经处理过"):
        directory_import_confirm(actor=admin_user, directory_import=record)
    assert Unit.objects.count() == 4


def test_downloaded_template_has_the_sheets_and_headers_the_importer_reads(admin_user, client):
    client.force_login(admin_user)
    response = client.get(reverse("accounts:directory_template"))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["单位", "人员", "填写说明"]
    # Filling one row into the template gives a clean parse.
    workbook["单位"].append(["某小学", "", "学校", "小学", "公办", "", "", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    parsed = parse_directory_file("t.xlsx", buffer.getvalue(), max_bytes=10**7)
    assert parsed.errors == [] and [u.name for u in parsed.units] == ["某小学"]


class TestPages:
    def test_upload_preview_confirm_through_the_pages(self, admin_user, client):
        client.force_login(admin_user)
        response = client.post(
            reverse("accounts:directory_upload"), {"file": upload("名单.xlsx", xlsx_bytes(GOOD_UNITS, GOOD_PEOPLE))}
        )
        record = DirectoryImport.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse(
            "accounts:directory_preview", args=[record.pk]
        )

        preview = client.get(response["Location"])
        assert preview.status_code == 200
        assert "确认导入" in preview.content.decode()
        assert Unit.objects.count() == 0

        result = client.post(reverse("accounts:directory_confirm", args=[record.pk]))
        page = result.content.decode()
        assert result.status_code == 200 and "导入完成" in page and "syxx_li" in page
        assert Unit.objects.count() == 4 and User.objects.count() == 4

    def test_bad_rows_are_listed_on_the_preview_without_a_confirm_button(self, admin_user, client):
        client.force_login(admin_user)
        units = [["某中学", "", "大学", "", "", "", "", "", ""]]
        client.post(
            reverse("accounts:directory_upload"),
            {
                "file": upload(
                    "单位.csv",
                    csv_bytes(
                        ["单位名称", "简称", "单位类型", "学段", "办学性质", "上级单位", "别名", "单位编码", "排序"],
                        units,
                    ),
                )
            },
        )
        record = DirectoryImport.objects.get()

        page = client.get(reverse("accounts:directory_preview", args=[record.pk])).content.decode()

        assert "发现 1 处错误" in page
        assert "“大学”不是有效的单位类型" in page
        assert "确认导入" not in page
        assert Unit.objects.count() == 0

    @pytest.mark.parametrize(
        ("name", "data", "message"),
        [
            ("报告.pdf", b"%PDF-1.4 fake", "只支持 .xlsx 或 .csv 文件"),
            ("空表.xlsx", xlsx_bytes(), "没有可导入的数据"),
            ("empty.csv", b"", "提交的是空文件"),
        ],
    )
    def test_wrong_or_empty_files_get_a_clear_error_and_change_nothing(self, admin_user, client, name, data, message):
        client.force_login(admin_user)
        before = snapshot()

        response = client.post(reverse("accounts:directory_upload"), {"file": upload(name, data)})

        assert response.status_code == 400
        assert message in response.content.decode()
        assert snapshot() == before
        assert DirectoryImport.objects.count() == 0

    def test_missing_file_is_reported_next_to_the_field(self, admin_user, client):
        client.force_login(admin_user)
        response = client.post(reverse("accounts:directory_upload"), {})
        assert response.status_code == 400 and "该字段是必填项" in response.content.decode()

    @pytest.mark.parametrize("role", ["supervisor", "leader", "unit_manager", "unit_staff"])
    def test_only_admins_may_import(self, people, client, role):
        client.force_login(people[role])
        record, _ = directory_import_upload(
            actor=people["unit_staff"], uploaded_file=upload("a.xlsx", xlsx_bytes(GOOD_UNITS))
        )
        before = snapshot()

        assert client.get(reverse("accounts:directory_upload")).status_code == 403
        assert client.get(reverse("accounts:directory_template")).status_code == 403
        assert client.get(reverse("accounts:directory_preview", args=[record.pk])).status_code == 403
        assert client.post(reverse("accounts:directory_confirm", args=[record.pk])).status_code == 403
        assert snapshot() == before

    def test_anonymous_users_are_sent_to_login(self, client, db):
        response = client.get(reverse("accounts:directory_upload"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_checking_a_large_list_takes_a_constant_number_of_queries(admin_user, django_assert_max_num_queries):
    from accounts.services import directory_import_prepare

    def parsed_for(count: int):
        units = [[f"测试小学{n:03d}", "", "学校", "小学", "公办", "", "", f"C{n:03d}", n] for n in range(count)]
        people = [[f"user{n:03d}", f"人员{n}", f"测试小学{n:03d}", "单位经办人", "", "", "", ""] for n in range(count)]
        return parse_directory_file("big.xlsx", xlsx_bytes(units, people), max_bytes=10**7)

    small, large = parsed_for(5), parsed_for(200)
    with django_assert_max_num_queries(4):
        assert directory_import_prepare(parsed=small).ok
    with django_assert_max_num_queries(4):
        assert directory_import_prepare(parsed=large).ok


def test_usernames_are_matched_without_regard_to_case(admin_user):
    directory_import_confirm(
        actor=admin_user,
        directory_import=directory_import_upload(
            actor=admin_user, uploaded_file=upload("a.xlsx", xlsx_bytes(GOOD_UNITS, GOOD_PEOPLE))
        )[0],
    )
    _, plan = directory_import_upload(
        actor=admin_user,
        uploaded_file=upload(
            "b.xlsx", xlsx_bytes([], [["ZGK_Chen", "陈科长", "组干科", "单位负责人", "", "", "", ""]])
        ),
    )
    assert [action.existing.username for action in plan.people] == ["zgk_chen"]
