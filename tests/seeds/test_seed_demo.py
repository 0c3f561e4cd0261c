"""manage.py seed_demo builds the demo bureau once, however often it runs."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from accounts.models import Role, Unit, UnitAlias, User
from seeds.demo import DEFAULT_DEMO_PASSWORD, DEMO_USERS

pytestmark = pytest.mark.django_db
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def run_seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.mark.slow
def test_seed_creates_the_bureau_its_units_and_one_user_per_role():
    output = run_seed()

    bureau = Unit.objects.get(name="湖里区教育局")
    assert Unit.objects.filter(kind="department", parent=bureau).count() == 12
    assert Unit.objects.filter(kind="affiliated").count() == 6
    assert Unit.objects.filter(kind="school").count() == 25
    assert Unit.objects.filter(kind="kindergarten").count() == 10
    assert Unit.objects.filter(kind="school", ownership="private").exists()
    assert set(Unit.objects.filter(kind="school").values_list("stage", flat=True)) >= {"middle", "primary", "nine_year"}
    assert Unit.objects.get(short_name="组干科").name == "组织干部科"
    assert UnitAlias.objects.get(alias="督查室").unit.name == "办公室"
    assert {user.role for user in User.objects.all()} == set(Role.values)
    for user in User.objects.all():
        assert authenticate(username=user.username, password=DEFAULT_DEMO_PASSWORD) == user
    for username, *_ in DEMO_USERS:
        assert f"  {username} " in output
    assert f"密码均为 {DEFAULT_DEMO_PASSWORD}" in output
    liaisons = User.objects.exclude(username__in=[username for username, *_ in DEMO_USERS])
    assert f"另有 {liaisons.count()} 个单位联络员账号" in output


@pytest.mark.slow
def test_seed_is_idempotent():
    run_seed()
    counts = (Unit.objects.count(), User.objects.count(), UnitAlias.objects.count())

    output = run_seed()

    assert (Unit.objects.count(), User.objects.count(), UnitAlias.objects.count()) == counts
    assert "单位：新建 0 个；人员：新建 0 个。" in output


def test_seed_documents_and_their_expected_imports_are_shipped():
    documents = sorted(path.name for path in SEEDS.glob("*.txt"))
    expected = sorted(path.name for path in (SEEDS / "expected").glob("*.json"))
    assert len(documents) == 6 and len(expected) == 5
    assert "002_c97d9de1b7c49a7b.txt" in documents
    assert "厦湖教〔2020〕132号" in (SEEDS / "002_c97d9de1b7c49a7b.txt").read_text(encoding="utf-8")
