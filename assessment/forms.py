"""Forms of the assessment pages: the period and unit-kind selector, the weights, objections and answers."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import UnitKind
from assessment.models import SETTING_FIELDS, WEIGHT_FIELDS, ScoreWeights
from assessment.periods import AssessmentPeriod, custom_period, period_choices, period_from_key, year_to_date
from assessment.services import MAX_OBJECTION_LENGTH

CUSTOM = "custom"
SORT_KEYS = ("rank", "name", "kind", "reports", "completion", "overdue", "escalations", "response")


class PeriodForm(forms.Form):
    """Choose the period (this year so far, a year, a quarter, a month, or from one day to another) and unit kind."""

    period = forms.ChoiceField(label=gettext_lazy("考核期间"), required=False)
    start = forms.DateField(
        label=gettext_lazy("自"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=gettext_lazy("至"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    kind = forms.ChoiceField(label=gettext_lazy("单位类型"), required=False)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, today: datetime.date, first_year: int, **kwargs):
        if data is not None:
            data = data.copy()
            # "from" and "to" are the public parameter names (links, bookmarks); the fields avoid the keyword
            for public, name in (("from", "start"), ("to", "end")):
                if public in data and name not in data:
                    data[name] = data[public]
        super().__init__(data, **kwargs)
        self.today = today
        self.fields["period"].choices = [
            ("", _("本年度至今")),
            *period_choices(first_year=first_year, today=today),
            (CUSTOM, _("自定义起止日期")),
        ]
        self.fields["kind"].choices = [("", _("全部类型")), *UnitKind.choices]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if cleaned.get("period") == CUSTOM or start or end:
            if not (start and end):
                raise forms.ValidationError(_("自定义期间请同时填写开始日期和结束日期。"))
            try:
                cleaned["selected"] = custom_period(start, end)
            except ValueError as exc:
                raise forms.ValidationError(_("结束日期不能早于开始日期。")) from exc
            cleaned["period"] = CUSTOM
        elif cleaned.get("period"):
            cleaned["selected"] = period_from_key(cleaned["period"])
        return cleaned

    def _chosen(self, name: str, default=""):
        if not self.is_bound:
            return default
        self.is_valid()  # fields that are valid stay usable when another is not
        return self.cleaned_data.get(name) or default

    def selected_period(self) -> AssessmentPeriod:
        """Return the chosen period; this year so far when nothing valid was chosen."""
        return self._chosen("selected") or year_to_date(self.today)

    def selected_kind(self) -> str:
        """Return the chosen unit kind, or an empty string for all kinds."""
        return self._chosen("kind")

    def selected_sort(self) -> str:
        """Return the chosen sort key (rank by default)."""
        sort = self._chosen("sort")
        return sort if sort.removeprefix("-") in SORT_KEYS else "rank"


class WeightsForm(forms.Form):
    """The settings an admin can change, with the model's labels and limits; the service writes the new row.

    A plain form (not a ModelForm): the totals are checked here and in the service, once, with one message.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(
            forms.fields_for_model(
                ScoreWeights,
                fields=[*SETTING_FIELDS, "note"],
                widgets={"note": forms.TextInput(attrs={"placeholder": gettext_lazy("如：按2021年考核办法调整")})},
            )
        )

    def clean(self):
        cleaned = super().clean()
        weights = [cleaned.get(name) for name in WEIGHT_FIELDS]
        if all(value is not None for value in weights) and sum(weights) > 100:
            raise forms.ValidationError(
                _("五项权重合计不能超过 100 分（现为 %(total)s 分）。") % {"total": f"{sum(weights).normalize():f}"}
            )
        return cleaned


class ObjectionForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("异议内容"),
        max_length=MAX_OBJECTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("写明对哪一项计分有异议、理由和依据（如已按时报送的期次、已获准延期的任务）。"),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label=gettext_lazy("答复"), widget=forms.Textarea(attrs={"rows": 3}))
