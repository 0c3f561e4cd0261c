"""Every change leaves an audit event with who, when, before and after; events are never rewritten."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import connection, transaction
from django.urls import reverse

from accounts.models import Unit
from accounts.services import unit_update, user_update
from audit.models import AuditEvent
from audit.selectors import audit_events_for
from core.append_only import AppendOnlyError
from tests.factories import AssignmentFactory, ProgressReportFactory

pytestmark = pytest.mark.django_db


def test_service_updates_record_before_and_after(people, bureau):
    admin_user, school = people["admin"], bureau["school"]
    old_order = school.sort_order

    unit_update(actor=admin_user, unit=school, short_name="实小", sort_order=old_order + 100)

    event = audit_events_for(school).first()
    assert (event.actor, event.action, event.verb) == (admin_user, "update", "unit.update")
    assert event.changes == {"short_name": ["", "实小"], "sort_order": [old_order, old_order + 100]}
    assert event.at is not None


def test_a_change_that_changes_nothing_is_not_recorded(people, bureau):
    before = AuditEvent.objects.count()
    unit_update(actor=people["admin"], unit=bureau["school"], name=bureau["school"].name)
    assert AuditEvent.objects.count() == before


def test_role_change_is_audited_with_the_unit_as_an_id(people, bureau):
    staff = people["unit_staff"]
    user_update(actor=people["admin"], user=staff, role="unit_manager", unit=bureau["other_school"])

    event = audit_events_for(staff).first()
    assert event.changes["role"] == ["unit_staff", "unit_manager"]
    assert event.changes["unit"] == [bureau["school"].pk, bureau["other_school"].pk]


class TestAdminChangesAreAudited:
    def test_editing_a_unit_in_the_admin(self, client, people, bureau):
        client.force_login(people["admin"])
        school = bureau["school"]
        url = reverse("admin:accounts_unit_change", args=[school.pk])
        data = {
            "name": school.name,
            "short_name": "湖里实小",
            "code": "",
            "kind": "school",
            "stage": "primary",
            "ownership": "public",
            "parent": bureau["bureau"].pk,
            "sort_order": 3,
            "is_active": "on",
            "aliases-TOTAL_FORMS": "1",
            "aliases-INITIAL_FORMS": "0",
            "aliases-MIN_NUM_FORMS": "0",
            "aliases-MAX_NUM_FORMS": "1000",
            "aliases-0-alias": "实验小学",
            "aliases-0-unit": school.pk,
        }

        response = client.post(url, data)

        assert response.status_code == 302, response.content.decode()[:2000]
        unit_event = AuditEvent.objects.get(verb="unit.admin_update", object_id=str(school.pk))
        assert unit_event.actor == people["admin"]
        assert unit_event.changes["short_name"] == ["", "湖里实小"]
        assert unit_event.changes["sort_order"][1] == 3
        alias_event = AuditEvent.objects.get(verb="unitalias.admin_create")
        assert alias_event.changes["alias"] == [None, "实验小学"]

    def test_deleting_in_the_admin_records_what_was_deleted(self, client, people, bureau):
        client.force_login(people["admin"])
        unit = Unit.objects.create(name="临时单位", kind="other")

        response = client.post(reverse("admin:accounts_unit_delete", args=[unit.pk]), {"post": "yes"})

        assert response.status_code == 302
        event = AuditEvent.objects.get(verb="unit.admin_delete")
        assert event.changes["name"] == ["临时单位", None] and event.actor == people["admin"]
        assert not Unit.objects.filter(pk=unit.pk).exists()

    def test_history_records_cannot_be_added_changed_or_deleted_in_the_admin(self, client, people):
        client.force_login(people["admin"])
        report = ProgressReportFactory()

        assert client.get(reverse("admin:plans_progressreport_add")).status_code == 403
        change = client.post(reverse("admin:plans_progressreport_change", args=[report.pk]), {"text": "改写"})
        assert change.status_code in (200, 403)
        assert (
            client.post(reverse("admin:plans_progressreport_delete", args=[report.pk]), {"post": "yes"}).status_code
            == 403
        )
        report.refresh_from_db()
        assert report.text == "按计划推进。"


def test_audit_events_are_append_only_in_the_orm_and_the_database(people, bureau):
    unit_update(actor=people["admin"], unit=bureau["school"], short_name="改")
    event = AuditEvent.objects.first()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(note="tampered")
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEvent._meta.db_table} SET note = 'tampered' WHERE id = %s", [event.pk])


def test_every_model_has_a_chinese_admin_page(client, people):
    client.force_login(people["admin"])
    AssignmentFactory()
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in {"accounts", "plans", "audit", "core"}:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url)
        assert response.status_code == 200, url
        name = str(model._meta.verbose_name_plural)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in name), f"{model.__name__} has no Chinese name"
        assert name in response.content.decode(), url
        search = client.get(url, {"q": "测试"}) if model_admin.search_fields else response
        assert search.status_code == 200, url
