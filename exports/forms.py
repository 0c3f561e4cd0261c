"""Forms of the export pages: what to export, and a new version of an archived month."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Unit, User
from exports.models import ExportFormat, ExportKind, ExportSplit
from exports.monthly import ExportError, month_from_text, plan_months
from exports.policies import can_export
from exports.selectors import archived_plans
from exports.services import FORMATS_OF, validate_request
from plans.models import Plan, PlanStatus
from plans.policies import can_see_all_units
from plans.selectors.scoping import plans_visible_to

MONTH_KINDS = (ExportKind.MONTHLY, ExportKind.LEDGER)  # the kinds that read a month; data files do not
ARCHIVE_FORMATS = FORMATS_OF[ExportKind.MONTHLY]


def month_key(month: datetime.date) -> str:
    """Return a month as the forms and addresses write it: 2020-09."""
    return f"{month.year:04d}-{month.month:02d}"


def month_label(month: datetime.date) -> str:
    """Return a month as people read it: 2020年9月."""
    return _("%(year)s年%(month)s月") % {"year": month.year, "month": month.month}


def exportable_plans(user: User):
    """Return the plans the user may export, newest first: the visible ones that are not drafts."""
    return plans_visible_to(user).exclude(status=PlanStatus.DRAFT).order_by("-plan_year", "-published_at", "-id")


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class ExportForm(forms.Form):
    """Choose a plan, a report, a format, a month, a unit scope and a split; the combination is checked here.

    Bureau roles choose every unit or one unit of the plan; unit people always export their own unit,
    and a posted unit that is not theirs is an error, never another unit's data.
    """

    plan = forms.ModelChoiceField(
        label=gettext_lazy("工作计划"),
        queryset=Plan.objects.none(),
        empty_label=None,
        error_messages={
            "required": gettext_lazy("请选择工作计划。"),
            "invalid_choice": gettext_lazy("找不到该工作计划，请重新选择。"),
        },
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("报表"),
        choices=ExportKind.choices,
        error_messages={"invalid_choice": gettext_lazy("不支持这种报表，请重新选择。")},
    )
    fmt = forms.ChoiceField(
        label=gettext_lazy("格式"),
        choices=ExportFormat.choices,
        error_messages={"invalid_choice": gettext_lazy("不支持这种格式，请重新选择。")},
    )
    month = forms.ChoiceField(
        label=gettext_lazy("月份"),
        required=False,
        help_text=gettext_lazy("月度推进情况表必选；台账为截至月份，不选则截至最新。"),
        error_messages={"invalid_choice": gettext_lazy("%(value)s 不在这份计划可导出的月份内，请从列表中选择。")},
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("单位范围"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=gettext_lazy("全部单位"),
        error_messages={"invalid_choice": gettext_lazy("该单位在这份计划中没有任务，请重新选择。")},
    )
    split = forms.ChoiceField(
        label=gettext_lazy("分表"),
        choices=ExportSplit.choices,
        required=False,
        help_text=gettext_lazy("仅 Excel 格式的月度推进情况表可以分表。"),
        error_messages={"invalid_choice": gettext_lazy("不支持这种分表方式。")},
    )

    def __init__(self, user: User, data=None, *, initial: dict[str, Any] | None = None) -> None:
        super().__init__(data, initial=initial)
        self.user = user
        self.all_units = can_see_all_units(user)
        plans = exportable_plans(user)
        self.fields["plan"].queryset = plans
        # changing the plan reloads the form with that plan's months and units, keeping the other choices
        self.fields["plan"].widget.attrs.update(
            {
                "hx-get": reverse("exports:index"),
                "hx-trigger": "change",
                "hx-target": "#export-form",
                "hx-select": "#export-form",
                "hx-swap": "outerHTML",
                "hx-include": "#id_kind, #id_fmt, #id_split",
            }
        )
        self.plan = self._chosen_plan(plans)
        months = list(reversed(plan_months(self.plan))) if self.plan else []
        self.fields["month"].choices = [("", _("不选（截至最新）"))] + [(month_key(m), month_label(m)) for m in months]
        if self.all_units:
            units = Unit.objects.filter(assignments__task__plan=self.plan) if self.plan else Unit.objects.none()
            self.fields["unit"].queryset = units.distinct().order_by("sort_order", "name")
        else:
            del self.fields["unit"]  # unit people export their own unit: not a choice
        if not self.is_bound:
            self._settle_initial([month_key(m) for m in months])

    def _settle_initial(self, month_keys: list[str]) -> None:
        """Start from the chosen plan, a monthly Excel report and last month, unless asked otherwise."""
        self.initial["plan"] = self.plan.pk if self.plan else None
        self.initial.setdefault("kind", ExportKind.MONTHLY)
        self.initial.setdefault("fmt", ExportFormat.XLSX)
        if self.initial.get("month") not in month_keys:
            # last month, the one whose report is due, unless the plan has only the current month
            self.initial["month"] = month_keys[1] if len(month_keys) > 1 else (month_keys[0] if month_keys else "")

    def _chosen_plan(self, plans) -> Plan | None:
        """Return the plan the form is about: the posted or asked-for one, else the newest published plan."""
        wanted = _as_int(self.data.get("plan") if self.is_bound else self.initial.get("plan"))
        chosen = plans.filter(pk=wanted).first() if wanted is not None else None
        if chosen is None:
            newest = plans.filter(status=PlanStatus.PUBLISHED).order_by("-published_at", "-id").first()
            chosen = newest or plans.first()
        return chosen

    @property
    def own_unit(self) -> Unit | None:
        """Return the unit a unit person's export is fixed to (None for bureau roles)."""
        return None if self.all_units else self.user.unit

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.all_units:
            self._clean_own_unit(cleaned)
        kind, fmt = cleaned.get("kind"), cleaned.get("fmt")
        if kind is None or fmt is None:
            return cleaned
        month_text = cleaned.get("month") or ""
        month = month_from_text(month_text) if month_text and kind in MONTH_KINDS else None
        cleaned["month"] = month
        cleaned["split"] = cleaned.get("split") or ""
        if kind == ExportKind.MONTHLY and month is None and "month" not in self.errors:
            self.add_error("month", _("请选择月份。"))
            return cleaned
        try:
            validate_request(kind=kind, fmt=fmt, month=month, split=cleaned["split"])
        except ExportError as exc:
            self.add_error(None, str(exc))
        return cleaned

    def _clean_own_unit(self, cleaned: dict[str, Any]) -> None:
        posted = self.data.get("unit") or ""
        if posted and _as_int(posted) != self.user.unit_id:
            self.add_error(None, _("只能导出本单位承办的任务。"))
        elif not can_export(self.user, unit_id=self.user.unit_id):
            self.add_error(None, _("您的账号没有所属单位，不能导出。请联系系统管理员。"))
        cleaned["unit"] = self.user.unit

    def service_values(self) -> dict[str, Any]:
        """Return the cleaned request as the export service takes it."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "fmt": data["fmt"],
            "plan": data["plan"],
            "month": data["month"],
            "unit": data["unit"],
            "split": data["split"],
        }


class ArchiveRegenerateForm(forms.Form):
    """Ask for a new version of a month's archived report, with the reason."""

    plan = forms.ModelChoiceField(
        label=gettext_lazy("工作计划"),
        queryset=Plan.objects.none(),
        error_messages={"invalid_choice": gettext_lazy("找不到该工作计划。")},
    )
    month = forms.CharField(label=gettext_lazy("月份"), max_length=7)
    fmt = forms.ChoiceField(
        label=gettext_lazy("格式"),
        choices=[(value, ExportFormat(value).label) for value in ARCHIVE_FORMATS],
        error_messages={"invalid_choice": gettext_lazy("存档只有 Excel、Word 和 PDF 三种格式。")},
    )
    reason = forms.CharField(
        label=gettext_lazy("重新生成的理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("请填写重新生成的理由。")},
    )

    def __init__(self, data=None) -> None:
        super().__init__(data)
        self.fields["plan"].queryset = archived_plans()

    def clean_month(self) -> datetime.date:
        try:
            return month_from_text(self.cleaned_data["month"])
        except ExportError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def first_error(self) -> str:
        """Return the first error message, to show as a page message."""
        for errors in self.errors.values():
            return str(errors[0])
        return ""
