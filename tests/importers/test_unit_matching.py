"""Written unit names → the bureau's registry: exact, alias, short name, groups, fuzzy, and refusals."""

from __future__ import annotations

import pytest

from plans.importers.unit_matching import UnitCandidate, UnitMatch, match_unit, match_units

REGISTRY = (
    UnitCandidate(1, "办公室", kind="department"),
    UnitCandidate(2, "组织干部科", short_name="组干科", kind="department"),
    UnitCandidate(3, "基础教育科", kind="department"),
    UnitCandidate(4, "机关党委", kind="department"),
    UnitCandidate(5, "计划财务科", short_name="计财科", aliases=("财务科",), kind="department"),
    UnitCandidate(6, "安全工作办公室", kind="department"),
    UnitCandidate(7, "区域教育中心建设专班", kind="department"),
    UnitCandidate(8, "湖里区教师进修学校", kind="affiliated"),
    UnitCandidate(9, "湖里区教育事务中心", kind="affiliated"),
    UnitCandidate(10, "厦门市湖里区实验小学", kind="school"),
    UnitCandidate(11, "厦门市湖里区金山小学", kind="school"),
    UnitCandidate(12, "厦门市湖里中学", kind="school"),
    UnitCandidate(13, "湖里区第一实验幼儿园", kind="kindergarten"),
    UnitCandidate(14, "湖里区金山幼儿园", kind="kindergarten"),
)
SCHOOLS = (10, 11, 12)
KINDERGARTENS = (13, 14)
DEPARTMENTS = (1, 2, 3, 4, 5, 6, 7)
AFFILIATED = (8, 9)


@pytest.mark.parametrize(
    ("written", "unit_id", "method"),
    [
        ("组织干部科", 2, "exact"),
        ("机关党委", 4, "exact"),
        ("办公室", 1, "exact"),
        ("厦门市湖里区实验小学", 10, "exact"),
        ("组织 干部科", 2, "exact"),
        ("组织　干部科", 2, "exact"),
        ("組織幹部科", 2, "exact"),
        ("機關黨委", 4, "exact"),
        ("财务科", 5, "alias"),
        ("組干科", 2, "short_name"),
        ("组干科", 2, "short_name"),
        ("组 干科", 2, "short_name"),
        ("计财科", 5, "short_name"),
        ("计财科等", 5, "short_name"),
    ],
)
def test_registry_names_match_with_full_score(written, unit_id, method):
    assert match_unit(written, REGISTRY) == UnitMatch(written, unit_id, method, 1.0)


@pytest.mark.parametrize(
    ("written", "unit_id"),
    [
        ("基教科", 3),
        ("区教师进修学校", 8),
        ("教师进修学校", 8),
        ("厦门市湖里区教师进修学校", 8),
        ("实验小学", 10),
        ("湖里区实验小学", 10),
        ("金山小学", 11),
        ("湖里中学", 12),
        ("安全办", 6),
        ("安全办公室", 6),
        ("区域教育中心建设专班组", 7),
    ],
)
def test_near_names_match_fuzzily(written, unit_id):
    found = match_unit(written, REGISTRY)
    assert (found.unit_id, found.method) == (unit_id, "fuzzy")
    assert 0.75 <= found.score < 1.0


def test_an_abbreviation_keeping_first_and_last_characters_scores_above_a_plain_ratio():
    assert match_unit("基教科", REGISTRY).score > 0.75


def test_prefix_stripping_scores_high():
    assert match_unit("区教师进修学校", REGISTRY).score == 0.95


@pytest.mark.parametrize(
    ("written", "members"),
    [
        ("各学校", SCHOOLS),
        ("全部学校", SCHOOLS),
        ("所有学校", SCHOOLS),
        ("各中小学", SCHOOLS),
        ("各中小学校", SCHOOLS),
        ("区属中小学", SCHOOLS),
        ("中小学校", SCHOOLS),
        ("各校", SCHOOLS),
        ("各小学", (10, 11)),
        ("各中学", (12,)),
        ("各幼儿园", KINDERGARTENS),
        ("幼儿园", KINDERGARTENS),
        ("各校（园）", SCHOOLS + KINDERGARTENS),
        ("各中小学幼儿园", SCHOOLS + KINDERGARTENS),
        ("全部学校和幼儿园", SCHOOLS + KINDERGARTENS),
        ("各学校及幼儿园", SCHOOLS + KINDERGARTENS),
        ("全部机关科室", DEPARTMENTS),
        ("各科室", DEPARTMENTS),
        ("机关各科室", DEPARTMENTS),
        ("局机关各科室", DEPARTMENTS),
        ("各直属单位", AFFILIATED),
        ("各单位", (8, 9, 10, 11, 12, 13, 14)),
        ("各學校", SCHOOLS),
    ],
)
def test_group_names_cover_every_unit_of_their_kind(written, members):
    assert match_unit(written, REGISTRY) == UnitMatch(written, None, "group", 1.0, members)


def test_group_without_members_in_the_registry_is_still_a_group():
    found = match_unit("各幼儿园", [UnitCandidate(1, "办公室", kind="department")])
    assert (found.method, found.group_unit_ids) == ("group", ())


@pytest.mark.parametrize("written", ["校", "园", "单位", "部门"])
def test_a_bare_one_character_kind_is_not_a_group(written):
    assert match_unit(written, REGISTRY).method != "group"


@pytest.mark.parametrize("written", ["完全不相干的名字", "人事科", "中心", "区教育局", "相关科室"])
def test_unrelated_names_propose_a_new_unit(written):
    found = match_unit(written, REGISTRY)
    assert (found.unit_id, found.method) == (None, "none")
    assert found.score < 0.75


def test_two_equally_close_candidates_are_ambiguous():
    registry = [
        UnitCandidate(1, "湖里实验小学", kind="school"),
        UnitCandidate(2, "思明实验小学", kind="school"),
    ]
    found = match_unit("实验小学", registry)
    assert (found.unit_id, found.method) == (None, "none")
    assert found.score >= 0.75


def test_a_clear_winner_is_not_ambiguous():
    registry = [
        UnitCandidate(1, "湖里区实验小学", kind="school"),
        UnitCandidate(2, "湖里区实验二小学", kind="school"),
    ]
    assert match_unit("实验小学", registry).unit_id == 1


def test_threshold_is_configurable():
    assert match_unit("基教科", REGISTRY, threshold=0.9).method == "none"
    assert match_unit("基教科", REGISTRY, threshold=0.5).unit_id == 3


def test_exact_name_beats_another_unit_short_name():
    registry = [UnitCandidate(1, "基教科"), UnitCandidate(2, "基础教育科", short_name="基教科")]
    assert match_unit("基教科", registry) == UnitMatch("基教科", 1, "exact", 1.0)


def test_empty_registry_matches_nothing():
    assert match_unit("组干科", []) == UnitMatch("组干科", None, "none", 0.0)


def test_match_units_keeps_order():
    found = match_units(["组干科", "各学校", "完全不相干的名字"], REGISTRY)
    assert [(m.written, m.unit_id, m.method) for m in found] == [
        ("组干科", 2, "short_name"),
        ("各学校", None, "group"),
        ("完全不相干的名字", None, "none"),
    ]


def test_match_units_accepts_any_iterable():
    assert [m.unit_id for m in match_units(iter(("机关党委", "计财科")), REGISTRY)] == [4, 5]
