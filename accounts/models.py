"""Organisation units of a bureau and the people who work in them."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from core import clock


class UnitKind(models.TextChoices):
    BUREAU = "bureau", _("局机关")
    LEADERSHIP = "leadership", _("局领导")
    DEPARTMENT = "department", _("机关科室")
    AFFILIATED = "affiliated", _("直属单位")
    SCHOOL = "school", _("学校")
    KINDERGARTEN = "kindergarten", _("幼儿园")
    OTHER = "other", _("其他单位")


class SchoolStage(models.TextChoices):
    HIGH = "high", _("高中")
    MIDDLE = "middle", _("中学")
    PRIMARY = "primary", _("小学")
    NINE_YEAR = "nine_year", _("九年一贯制")
    TWELVE_YEAR = "twelve_year", _("十二年一贯制")
    SPECIAL = "special", _("特殊教育")
    VOCATIONAL = "vocational", _("职业学校")


class Ownership(models.TextChoices):
    PUBLIC = "public", _("公办")
    PRIVATE = "private", _("民办")


class Unit(models.Model):
    """A unit that can own tasks: the bureau, a department, an affiliated unit, a school or a kindergarten."""

    name = models.CharField(_("单位名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    code = models.CharField(_("单位编码"), max_length=50, blank=True)
    kind = models.CharField(_("单位类型"), max_length=20, choices=UnitKind.choices)
    stage = models.CharField(_("学段"), max_length=20, choices=SchoolStage.choices, blank=True)
    ownership = models.CharField(_("办学性质"), max_length=10, choices=Ownership.choices, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    reports_need_approval = models.BooleanField(
        _("填报需负责人审核"),
        default=False,
        help_text=_("勾选后，经办人填报的进展须经本单位负责人审核通过，局里才能看到"),
    )
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=~models.Q(code=""),
                name="unit_code_unique",
                violation_error_message=_("单位编码已被其他单位使用。"),
            ),
            models.CheckConstraint(
                condition=models.Q(stage="") | models.Q(kind="school"),
                name="unit_stage_only_for_schools",
                violation_error_message=_("只有学校需要填写学段。"),
            ),
            models.CheckConstraint(
                condition=models.Q(ownership="") | models.Q(kind__in=["school", "kindergarten"]),
                name="unit_ownership_only_for_schools",
                violation_error_message=_("只有学校和幼儿园需要填写办学性质。"),
            ),
        ]
        indexes = [models.Index(fields=["kind", "is_active"], name="unit_kind_active_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """Return the short name where one exists, for dense tables."""
        return self.short_name or self.name


class UnitAlias(models.Model):
    """Another name a document may use for a unit, e.g. 组干科 for 组织干部科."""

    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(_("别名"), max_length=100)

    class Meta:
        verbose_name = _("单位别名")
        verbose_name_plural = _("单位别名")
        ordering = ["alias"]
        constraints = [models.UniqueConstraint(Lower("alias"), name="unit_alias_unique")]

    def __str__(self) -> str:
        return f"{self.alias} → {self.unit_id and self.unit.name}"


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    SUPERVISOR = "supervisor", _("督查人员")
    LEADER = "leader", _("局领导")
    UNIT_MANAGER = "unit_manager", _("单位负责人")
    UNIT_STAFF = "unit_staff", _("单位经办人")


BUREAU_WIDE_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.LEADER})


class PersonManager(UserManager):
    """Django's user manager, with superusers made system administrators."""

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in; belongs to one unit and acts in one role."""

    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    full_name = models.CharField(_("姓名"), max_length=50)
    unit = models.ForeignKey(
        Unit, verbose_name=_("所属单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.UNIT_STAFF)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    title = models.CharField(_("职务"), max_length=50, blank=True)

    objects = PersonManager()

    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["unit__sort_order", "username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=["admin", "supervisor", "leader"]) | models.Q(unit__isnull=False),
                name="user_unit_required_for_unit_roles",
                violation_error_message=_("单位负责人和单位经办人必须属于一个单位。"),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name or self.username

    @property
    def is_bureau_wide(self) -> bool:
        """Return whether the user sees every unit's tasks (admin, supervisor, leader)."""
        return self.role in BUREAU_WIDE_ROLES


class DirectoryImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("待确认")
    APPLIED = "applied", _("已导入")
    REJECTED = "rejected", _("有错误")


class DirectoryImport(models.Model):
    """An uploaded units/people list, kept between preview and confirmation and as a record afterwards."""

    file = models.FileField(_("文件"), upload_to="imports/directory/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=200)
    uploaded_by = models.ForeignKey(
        User, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="directory_imports"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=clock.now, editable=False)
    status = models.CharField(_("状态"), max_length=12, choices=DirectoryImportStatus.choices)
    summary = models.JSONField(_("结果摘要"), default=dict, blank=True)
    applied_at = models.DateTimeField(_("导入时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("单位人员导入")
        verbose_name_plural = _("单位人员导入")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.original_name
