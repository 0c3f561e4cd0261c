"""Build the demo bureau: 湖里区教育局 with its departments, affiliated units, schools and one user per role."""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.db import transaction

from accounts.models import Role, Unit, User
from accounts.services import unit_alias_add, unit_create, user_create

BUREAU = "湖里区教育局"
LEADERSHIP = "湖里区教育局领导班子"

# (name, short name, aliases)
DEPARTMENTS = [
    ("办公室", "办公室", ["局办", "局办公室", "督查室"]),
    ("组织干部科", "组干科", ["组织科"]),
    ("机关党委", "机关党委", ["机关党总支"]),
    ("人事科", "人事科", ["人事师资科"]),
    ("计划财务科", "计财科", ["财务科"]),
    ("基础教育科", "基教科", ["基础科"]),
    ("学前教育科", "学前科", ["幼教科"]),
    ("德育与体卫艺科", "德体卫艺科", ["德育科", "体卫艺科"]),
    ("教育督导室", "督导室", ["督导科"]),
    ("政策法规与安全科", "法规安全科", ["政策法规科", "安全科", "安全稳定科"]),
    ("招生考试中心", "招考中心", ["考试中心"]),
    ("纪检监察室", "纪检室", ["纪检组"]),
]

AFFILIATED = [
    ("湖里区教师进修学校", "进修学校", ["教师进修学校", "区进修学校"]),
    ("湖里区教育研究中心", "教研中心", ["区教研室", "教研室"]),
    ("湖里区教育技术与装备中心", "电教中心", ["电教馆", "装备中心"]),
    ("湖里区青少年宫", "青少年宫", ["区青少年宫"]),
    ("湖里区少年儿童业余体育学校", "少体校", ["区少体校"]),
    ("湖里区区域教育中心建设专班", "建设专班", ["区域教育中心建设专班"]),
]

# (name, short name, stage, ownership)
SCHOOLS = [
    ("厦门市湖里中学", "湖里中学", "middle", "public"),
    ("厦门市禾山中学", "禾山中学", "middle", "public"),
    ("厦门市湖里区东渡中学", "东渡中学", "middle", "public"),
    ("厦门市湖里区金尚中学", "金尚中学", "middle", "public"),
    ("厦门市湖里区殿前中学", "殿前中学", "middle", "public"),
    ("厦门市湖里区华侨中学", "华侨中学", "high", "public"),
    ("厦门市湖里实验学校", "湖里实验学校", "nine_year", "public"),
    ("厦门市湖里区南山学校", "南山学校", "nine_year", "public"),
    ("厦门市湖里区金尚学校", "金尚学校", "nine_year", "public"),
    ("厦门市湖里区特殊教育学校", "特教学校", "special", "public"),
    ("厦门市湖里区实验小学", "实验小学", "primary", "public"),
    ("厦门市湖里区第二实验小学", "二实小", "primary", "public"),
    ("厦门市湖里区第三实验小学", "三实小", "primary", "public"),
    ("厦门市湖里区金山小学", "金山小学", "primary", "public"),
    ("厦门市湖里区华泰小学", "华泰小学", "primary", "public"),
    ("厦门市湖里区禾山小学", "禾山小学", "primary", "public"),
    ("厦门市湖里区殿前小学", "殿前小学", "primary", "public"),
    ("厦门市湖里区江头小学", "江头小学", "primary", "public"),
    ("厦门市湖里区高殿小学", "高殿小学", "primary", "public"),
    ("厦门市湖里区马垅小学", "马垅小学", "primary", "public"),
    ("厦门市湖里区五缘第二实验学校", "五缘二实", "nine_year", "public"),
    ("厦门市湖里区博文外国语学校", "博文外国语", "nine_year", "private"),
    ("厦门市湖里区育才学校", "育才学校", "nine_year", "private"),
    ("厦门市湖里区明达小学", "明达小学", "primary", "private"),
    ("厦门市湖里区蔡塘学校", "蔡塘学校", "primary", "private"),
]

KINDERGARTENS = [
    ("厦门市湖里区第一实验幼儿园", "一实幼", "public"),
    ("厦门市湖里区第二实验幼儿园", "二实幼", "public"),
    ("厦门市湖里区金山幼儿园", "金山幼儿园", "public"),
    ("厦门市湖里区殿前幼儿园", "殿前幼儿园", "public"),
    ("厦门市湖里区禾山幼儿园", "禾山幼儿园", "public"),
    ("厦门市湖里区上湖洪塘幼儿园", "上湖洪塘幼儿园", "public"),
    ("厦门市湖里区穆厝幼儿园", "穆厝幼儿园", "public"),
    ("厦门市湖里区小天使幼儿园", "小天使幼儿园", "private"),
    ("厦门市湖里区蓝天幼儿园", "蓝天幼儿园", "private"),
    ("厦门市湖里区阳光宝贝幼儿园", "阳光宝贝幼儿园", "private"),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    role: str
    unit: str


DEFAULT_DEMO_PASSWORD = "Huli@2020demo"

# (username, full name, role, unit name, title)
DEMO_USERS = [
    ("admin", "林管理", Role.ADMIN, "办公室", "系统管理员"),
    ("supervisor", "陈督查", Role.SUPERVISOR, "办公室", "督查室主任"),
    ("leader", "王局长", Role.LEADER, LEADERSHIP, "局长"),
    ("dept_manager", "黄科长", Role.UNIT_MANAGER, "基础教育科", "科长"),
    ("dept_staff", "吴干事", Role.UNIT_STAFF, "基础教育科", "科员"),
    ("school_manager", "郑校长", Role.UNIT_MANAGER, "厦门市湖里区实验小学", "校长"),
    ("school_staff", "李老师", Role.UNIT_STAFF, "厦门市湖里区实验小学", "办公室主任"),
    ("kindergarten_staff", "周老师", Role.UNIT_STAFF, "厦门市湖里区第一实验幼儿园", "保教主任"),
]


def demo_password() -> str:
    """Return the demo users' password (DEMO_PASSWORD overrides the default)."""
    return os.environ.get("DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)


def _ensure_unit(created: list[str], name: str, **fields) -> Unit:
    aliases = fields.pop("aliases", [])
    unit = Unit.objects.filter(name=name).first()
    if unit is None:
        unit = unit_create(actor=None, name=name, **fields)
        created.append(name)
    for alias in aliases:
        unit_alias_add(actor=None, unit=unit, alias=alias)
    return unit


@transaction.atomic
def seed_demo_directory() -> tuple[list[str], list[DemoLogin], list[DemoLogin]]:
    """Create the demo bureau and users when missing; return (units created, users created, all demo logins)."""
    created_units: list[str] = []
    bureau = _ensure_unit(created_units, BUREAU, kind="bureau", short_name="区教育局", aliases=["区教育局", "教育局"])
    _ensure_unit(created_units, LEADERSHIP, kind="leadership", short_name="局领导", parent=bureau, sort_order=1)
    for order, (name, short, aliases) in enumerate(DEPARTMENTS, start=10):
        _ensure_unit(
            created_units, name, kind="department", short_name=short, parent=bureau, sort_order=order, aliases=aliases
        )
    for order, (name, short, aliases) in enumerate(AFFILIATED, start=50):
        _ensure_unit(
            created_units, name, kind="affiliated", short_name=short, parent=bureau, sort_order=order, aliases=aliases
        )
    for order, (name, short, stage, ownership) in enumerate(SCHOOLS, start=100):
        _ensure_unit(
            created_units,
            name,
            kind="school",
            short_name=short,
            stage=stage,
            ownership=ownership,
            parent=bureau,
            sort_order=order,
        )
    for order, (name, short, ownership) in enumerate(KINDERGARTENS, start=300):
        _ensure_unit(
            created_units,
            name,
            kind="kindergarten",
            short_name=short,
            ownership=ownership,
            parent=bureau,
            sort_order=order,
        )

    created_users: list[DemoLogin] = []
    logins: list[DemoLogin] = []
    for username, full_name, role, unit_name, title in DEMO_USERS:
        login = DemoLogin(username=username, full_name=full_name, role=Role(role).label, unit=unit_name)
        logins.append(login)
        if User.objects.filter(username=username).exists():
            continue
        user_create(
            actor=None,
            username=username,
            full_name=full_name,
            role=role,
            title=title,
            unit=Unit.objects.get(name=unit_name),
            password=demo_password(),
            email=f"{username}@example.com",
        )
        created_users.append(login)
    return created_units, created_users, logins
