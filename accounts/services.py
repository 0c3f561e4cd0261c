"""Write units and people. Every change is audited in the same transaction."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from accounts.importers.directory import (
    PEOPLE_SHEET,
    UNITS_SHEET,
    DirectoryFileError,
    ParsedDirectory,
    PersonRow,
    RowError,
    UnitRow,
    parse_directory_file,
)
from accounts.models import (
    BUREAU_WIDE_ROLES,
    DirectoryImport,
    DirectoryImportStatus,
    Ownership,
    Role,
    SchoolStage,
    Unit,
    UnitAlias,
    UnitKind,
    User,
)
from accounts.selectors import unit_name_index
from audit.services import audit_created, audit_record, audit_updated, model_snapshot
from core import clock

UNIT_FIELDS = (
    "name",
    "short_name",
    "code",
    "kind",
    "stage",
    "ownership",
    "parent",
    "sort_order",
    "is_active",
    "reports_need_approval",
)
USER_FIELDS = ("full_name", "unit", "role", "phone", "email", "title", "is_active")
PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"


def password_generate(length: int = 12) -> str:
    """Return a random initial password without look-alike characters (0/O, 1/l/I)."""
    while True:
        password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))
        if any(ch.isdigit() for ch in password) and any(ch.isalpha() for ch in password):
            return password


@transaction.atomic
def unit_create(
    *,
    actor: User | None,
    name: str,
    kind: str,
    short_name: str = "",
    stage: str = "",
    ownership: str = "",
    parent: Unit | None = None,
    code: str = "",
    sort_order: int = 0,
    aliases: Iterable[str] = (),
) -> Unit:
    """Create a unit with its aliases."""
    unit = Unit(
        name=name,
        kind=kind,
        short_name=short_name,
        stage=stage,
        ownership=ownership,
        parent=parent,
        code=code,
        sort_order=sort_order,
    )
    unit.full_clean()
    unit.save()
    audit_created(actor=actor, instance=unit, verb="unit.create")
    for alias in aliases:
        unit_alias_add(actor=actor, unit=unit, alias=alias)
    return unit


def _update_audited(*, actor: User | None, instance, allowed: tuple[str, ...], changes: dict, verb: str):
    """Set the allowed fields, validate, save and audit the difference, in the caller's transaction."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown {type(instance).__name__} fields: {', '.join(sorted(unknown))}")
    before = model_snapshot(instance)
    for name, value in changes.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    audit_updated(actor=actor, instance=instance, before=before, verb=verb)
    return instance


@transaction.atomic
def unit_update(*, actor: User | None, unit: Unit, **changes) -> Unit:
    """Change a unit's fields (only those in UNIT_FIELDS) and audit the difference."""
    return _update_audited(actor=actor, instance=unit, allowed=UNIT_FIELDS, changes=changes, verb="unit.update")


@transaction.atomic
def unit_alias_add(*, actor: User | None, unit: Unit, alias: str) -> UnitAlias | None:
    """Give a unit another name; do nothing when it already has it."""
    alias = alias.strip()
    if not alias or alias == unit.name:
        return None
    existing = UnitAlias.objects.filter(alias__iexact=alias).first()
    if existing is not None:
        if existing.unit_id == unit.pk:
            return None
        raise ValidationError(f"别名“{alias}”已属于“{existing.unit.name}”。")
    record = UnitAlias.objects.create(unit=unit, alias=alias)
    audit_record(actor=actor, instance=unit, verb="unit.alias_add", changes={"alias": [None, alias]})
    return record


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    full_name: str,
    role: str,
    password: str,
    unit: Unit | None = None,
    email: str = "",
    phone: str = "",
    title: str = "",
    is_staff: bool | None = None,
) -> User:
    """Create a person; the password must pass the configured validators."""
    user = User(
        username=username,
        full_name=full_name,
        role=role,
        unit=unit,
        email=email,
        phone=phone,
        title=title,
        is_staff=role == "admin" if is_staff is None else is_staff,
        is_superuser=role == "admin",
    )
    validate_password(password, user=user)
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_created(actor=actor, instance=user, verb="user.create")
    return user


@transaction.atomic
def user_update(*, actor: User | None, user: User, **changes) -> User:
    """Change a person's fields (only those in USER_FIELDS) and audit the difference.

    The role decides admin rights: only system administrators get into the Django admin.
    """
    if "role" in changes:
        changes = {**changes, "is_superuser": changes["role"] == "admin", "is_staff": changes["role"] == "admin"}
    return _update_audited(
        actor=actor,
        instance=user,
        allowed=(*USER_FIELDS, "is_superuser", "is_staff"),
        changes=changes,
        verb="user.update",
    )


# --- Bulk import of units and people -------------------------------------------------------


@dataclass
class UnitAction:
    row: UnitRow
    existing: Unit | None

    @property
    def verb(self) -> str:
        return str(_("更新") if self.existing else _("新增"))

    @property
    def kind_label(self) -> str:
        """Return the unit type, with the school stage and ownership, as people write them."""
        parts = [UnitKind(self.row.kind).label]
        if self.row.stage:
            parts.append(SchoolStage(self.row.stage).label)
        if self.row.ownership:
            parts.append(Ownership(self.row.ownership).label)
        return " / ".join(str(part) for part in parts)


@dataclass
class PersonAction:
    row: PersonRow
    existing: User | None

    @property
    def verb(self) -> str:
        return str(_("更新") if self.existing else _("新增"))

    @property
    def role_label(self) -> str:
        return str(Role(self.row.role).label)


@dataclass
class DirectoryPlan:
    """What an import would do, row by row, and every error that stops it."""

    units: list[UnitAction] = field(default_factory=list)
    people: list[PersonAction] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> dict[str, int]:
        return {
            "units_created": sum(1 for action in self.units if action.existing is None),
            "units_updated": sum(1 for action in self.units if action.existing is not None),
            "people_created": sum(1 for action in self.people if action.existing is None),
            "people_updated": sum(1 for action in self.people if action.existing is not None),
            "errors": len(self.errors),
        }


@dataclass
class DirectoryResult:
    summary: dict[str, int]
    generated_passwords: list[tuple[str, str, str]]  # (username, full name, password), shown once


class DirectoryImportError(Exception):
    """The import was refused; nothing was written."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(str(error) for error in errors))
        self.errors = errors


def _check_units(parsed: ParsedDirectory, index: dict[str, Unit], plan: DirectoryPlan) -> set[str]:
    file_names = {row.name for row in parsed.units}
    referable: set[str] = set()  # every name a person row may use for a unit of this file
    code_holders = dict(Unit.objects.exclude(code="").values_list("code", "name"))
    alias_owner: dict[str, str] = {}
    for row in parsed.units:
        named = index.get(row.name)
        existing = named if named is not None and named.name == row.name else None
        if named is not None and existing is None:
            plan.errors.append(
                RowError(
                    UNITS_SHEET, row.row, "单位名称", f"“{row.name}”已是单位“{index[row.name].name}”的简称或别名。"
                )
            )
        if row.parent:
            if row.parent == row.name:
                plan.errors.append(RowError(UNITS_SHEET, row.row, "上级单位", "上级单位不能是本单位。"))
            elif row.parent not in file_names and row.parent not in index:
                plan.errors.append(
                    RowError(UNITS_SHEET, row.row, "上级单位", f"找不到单位“{row.parent}”：请先在“单位”表中添加它。")
                )
        holder = code_holders.get(row.code) if row.code else None
        if holder is not None and holder != row.name:
            plan.errors.append(RowError(UNITS_SHEET, row.row, "单位编码", f"编码“{row.code}”已被“{holder}”使用。"))
        for alias in row.aliases:
            owner = index.get(alias)
            if (owner is not None and owner.name != row.name) or (alias in file_names and alias != row.name):
                plan.errors.append(RowError(UNITS_SHEET, row.row, "别名", f"别名“{alias}”已是另一个单位的名称或别名。"))
            elif alias in alias_owner and alias_owner[alias] != row.name:
                plan.errors.append(RowError(UNITS_SHEET, row.row, "别名", f"别名“{alias}”在表中被两个单位使用。"))
            alias_owner[alias] = row.name
        plan.units.append(UnitAction(row=row, existing=existing))
        referable.update({row.name, row.short_name, *row.aliases} - {""})
    # A parent chain inside the file must not loop back on itself.
    parents = {row.name: row.parent for row in parsed.units if row.parent}
    for row in parsed.units:
        seen, current = {row.name}, parents.get(row.name)
        while current:
            if current in seen:
                plan.errors.append(RowError(UNITS_SHEET, row.row, "上级单位", "上级单位形成了循环。"))
                break
            seen.add(current)
            current = parents.get(current)
    return referable


def _check_people(parsed: ParsedDirectory, index: dict[str, Unit], file_units: set[str], plan: DirectoryPlan) -> None:
    lowered = {row.username.lower() for row in parsed.people}
    existing_users = {
        user.username.lower(): user
        for user in User.objects.annotate(username_lower=Lower("username")).filter(username_lower__in=lowered)
    }
    for row in parsed.people:
        existing = existing_users.get(row.username.lower())
        if row.unit and row.unit not in index and row.unit not in file_units:
            plan.errors.append(RowError(PEOPLE_SHEET, row.row, "所属单位", f"找不到单位“{row.unit}”。"))
        if not row.unit and row.role not in BUREAU_WIDE_ROLES and not (existing and existing.unit_id):
            plan.errors.append(RowError(PEOPLE_SHEET, row.row, "所属单位", "单位负责人和经办人必须填写所属单位。"))
        if existing is None and row.password:
            probe = User(username=row.username, full_name=row.full_name, email=row.email)
            try:
                validate_password(row.password, user=probe)
            except ValidationError as exc:
                plan.errors.append(RowError(PEOPLE_SHEET, row.row, "初始密码", " ".join(exc.messages)))
        plan.people.append(PersonAction(row=row, existing=existing))


def directory_import_prepare(*, parsed: ParsedDirectory) -> DirectoryPlan:
    """Check parsed rows against the database and say what importing them would do."""
    plan = DirectoryPlan(errors=list(parsed.errors))
    index = unit_name_index()
    file_units = _check_units(parsed, index, plan)
    _check_people(parsed, index, file_units, plan)
    plan.errors.sort(key=lambda error: (error.sheet != UNITS_SHEET, error.row or 0))
    return plan


def directory_import_upload(
    *, actor: User, uploaded_file: UploadedFile
) -> tuple[DirectoryImport | None, DirectoryPlan]:
    """Check an uploaded list and keep it for confirmation; raise DirectoryFileError for an unusable file."""
    max_bytes = settings.DIRECTORY_IMPORT_MAX_BYTES
    if uploaded_file.size and uploaded_file.size > max_bytes:
        raise DirectoryFileError(
            f"文件过大（{uploaded_file.size / 1024 / 1024:.1f} MB），不能超过 {max_bytes / 1024 / 1024:.0f} MB。"
        )
    data = uploaded_file.read()
    parsed = parse_directory_file(uploaded_file.name or "", data, max_bytes=max_bytes)
    plan = directory_import_prepare(parsed=parsed)
    record = DirectoryImport(
        original_name=(uploaded_file.name or "")[:200],
        uploaded_by=actor,
        status=DirectoryImportStatus.PREVIEWED if plan.ok else DirectoryImportStatus.REJECTED,
        summary=plan.summary(),
    )
    uploaded_file.seek(0)
    record.file.save(uploaded_file.name or "directory.xlsx", uploaded_file, save=False)
    record.save()
    return record, plan


def directory_import_preview(*, directory_import: DirectoryImport) -> DirectoryPlan:
    """Re-read a kept upload and say again what importing it would do now."""
    with directory_import.file.open("rb") as handle:
        data = handle.read()
    parsed = parse_directory_file(directory_import.original_name, data, max_bytes=settings.DIRECTORY_IMPORT_MAX_BYTES)
    return directory_import_prepare(parsed=parsed)


def _parents_first(actions: list[UnitAction]) -> list[UnitAction]:
    """Order unit rows so that a parent named in the file is written before its children."""
    by_name = {action.row.name: action for action in actions}
    ordered: list[UnitAction] = []
    placed: set[str] = set()

    def place(action: UnitAction) -> None:
        if action.row.name in placed:
            return
        placed.add(action.row.name)
        parent = by_name.get(action.row.parent)
        if parent is not None:
            place(parent)
        ordered.append(action)

    for action in actions:
        place(action)
    return ordered


def _apply_units(actions: list[UnitAction], actor: User) -> dict[str, Unit]:
    index = unit_name_index()
    written: dict[str, Unit] = {}  # name, short name and aliases of the units of this file
    for action in _parents_first(actions):
        row = action.row
        parent = (written.get(row.parent) or index.get(row.parent)) if row.parent else None
        if action.existing is None:
            unit = unit_create(
                actor=actor,
                name=row.name,
                kind=row.kind,
                short_name=row.short_name,
                stage=row.stage,
                ownership=row.ownership,
                code=row.code,
                sort_order=row.sort_order or 0,
                parent=parent,
                aliases=row.aliases,
            )
        else:
            changes: dict[str, object] = {"kind": row.kind, "stage": row.stage, "ownership": row.ownership}
            if row.short_name:
                changes["short_name"] = row.short_name
            if row.code:
                changes["code"] = row.code
            if row.sort_order is not None:
                changes["sort_order"] = row.sort_order
            if parent is not None:
                changes["parent"] = parent
            unit = unit_update(actor=actor, unit=action.existing, **changes)
            for alias in row.aliases:
                unit_alias_add(actor=actor, unit=unit, alias=alias)
        for name in (row.name, row.short_name, *row.aliases):
            if name:
                written[name] = unit
    return written


def _apply_people(actions: list[PersonAction], units: dict[str, Unit], actor: User) -> list[tuple[str, str, str]]:
    index = unit_name_index()
    generated: list[tuple[str, str, str]] = []
    for action in actions:
        row = action.row
        unit = (units.get(row.unit) or index.get(row.unit)) if row.unit else None
        if action.existing is None:
            password = row.password or password_generate()
            if not row.password:
                generated.append((row.username, row.full_name, password))
            user_create(
                actor=actor,
                username=row.username,
                full_name=row.full_name,
                role=row.role,
                unit=unit,
                email=row.email,
                phone=row.phone,
                title=row.title,
                password=password,
            )
        else:
            changes: dict[str, object] = {"full_name": row.full_name, "role": row.role}
            if unit is not None:
                changes["unit"] = unit
            for name in ("phone", "email", "title"):
                if getattr(row, name):
                    changes[name] = getattr(row, name)
            user_update(actor=actor, user=action.existing, **changes)
    return generated


def directory_import_confirm(*, actor: User, directory_import: DirectoryImport) -> DirectoryResult:
    """Import a previewed list in one transaction; raise DirectoryImportError and write nothing on any error."""
    if directory_import.status != DirectoryImportStatus.PREVIEWED:
        raise DirectoryImportError([RowError("", None, None, "这份文件已经处理过，请重新上传。")])
    plan = directory_import_preview(directory_import=directory_import)
    if not plan.ok:
        raise DirectoryImportError(plan.errors)
    try:
        with transaction.atomic():
            units = _apply_units(plan.units, actor)
            generated = _apply_people(plan.people, units, actor)
            locked = DirectoryImport.objects.select_for_update().get(pk=directory_import.pk)
            if locked.status != DirectoryImportStatus.PREVIEWED:
                raise DirectoryImportError([RowError("", None, None, "这份文件已经处理过，请重新上传。")])
            before = model_snapshot(locked, ["status", "applied_at"])
            locked.status = DirectoryImportStatus.APPLIED
            locked.applied_at = clock.now()
            locked.summary = plan.summary()
            locked.save(update_fields=["status", "applied_at", "summary"])
            audit_updated(actor=actor, instance=locked, before=before, verb="directory_import.apply")
    except ValidationError as exc:
        raise DirectoryImportError([RowError("", None, None, message) for message in exc.messages]) from exc
    except IntegrityError as exc:
        raise DirectoryImportError([RowError("", None, None, f"数据冲突，未导入任何内容：{exc}")]) from exc
    directory_import.refresh_from_db()
    return DirectoryResult(summary=plan.summary(), generated_passwords=generated)
