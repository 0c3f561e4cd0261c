"""Forms of the supervision workflow: reports, requests, reminders, escalations, instructions, comments."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from plans.evidence import ACCEPT_ATTRIBUTE
from plans.models import ProgressStatus, ReportingCycle, Task


class MultipleFileInput(forms.ClearableFileInput):
    """A file picker that takes several files (and a phone's camera)."""

    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Zero or more evidence files; the service checks their size and content."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE, "multiple": True}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(EvidenceField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class ReportForm(forms.Form):
    """A progress report for one period, pre-filled from the last one."""

    period_key = forms.ChoiceField(label=_("报送期次"))
    status = forms.ChoiceField(label=_("进展状态"), choices=ProgressStatus.choices, widget=forms.RadioSelect)
    percent = forms.IntegerField(
        label=_("完成进度（%）"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 5}),
        error_messages={"min_value": _("请填 0 到 100 之间的数。"), "max_value": _("请填 0 到 100 之间的数。")},
    )
    text = forms.CharField(
        label=_("本期进展"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_("写清做了什么、达到什么程度、下一步安排。"),
    )
    delay_reason = forms.CharField(
        label=_("滞后原因及措施"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("进展状态为“滞后”时必填。"),
    )
    files = EvidenceField(
        label=_("佐证材料"),
        help_text=_("可拍照或选择图片、PDF、Office 文档，每个不超过 20 MB，最多 9 个。"),
    )

    def __init__(self, *args, period_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period_key"].choices = period_choices

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == ProgressStatus.DELAYED and not (cleaned.get("delay_reason") or "").strip():
            self.add_error("delay_reason", _("进展滞后时，请写明滞后原因和下一步措施。"))
        return cleaned


class ReasonForm(forms.Form):
    """A reason, required: declining, returning, refusing, reopening."""

    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class CompletionRequestForm(forms.Form):
    summary = forms.CharField(
        label=_("办结情况"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("完成了哪些工作、取得什么成效，附上佐证材料。"),
    )
    files = EvidenceField(label=_("佐证材料"))


class ExtensionRequestForm(forms.Form):
    requested_due = forms.DateField(label=_("申请延至"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class DecisionForm(forms.Form):
    """A supervisor's decision: approve (or grant) or return (or refuse) with a reason."""

    approve = forms.TypedChoiceField(
        label=_("审核结果"), choices=[("1", _("同意")), ("0", _("退回"))], coerce=lambda value: value == "1"
    )
    reason = forms.CharField(
        label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    granted_due = forms.DateField(label=_("批准延至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class ReminderForm(forms.Form):
    message = forms.CharField(
        label=_("催办内容"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        help_text=_("留空则发送“请抓紧办理并及时报送进展。”"),
    )


class EscalationForm(forms.Form):
    reason = forms.CharField(label=_("督办事由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    response_due = forms.DateField(
        label=_("反馈时限"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("留空为三天后。"),
    )


class TextForm(forms.Form):
    """One required text: an escalation response, an instruction, a comment."""

    text = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class TaskEditForm(forms.ModelForm):
    class Meta:
        model = Task
        fields = ["headline", "text", "owner_text", "deadline", "deadline_text", "reporting_cycle"]
        widgets = {
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "text": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reporting_cycle"].choices = [("", _("沿用计划的周期")), *ReportingCycle.choices]


class SplitForm(forms.Form):
    """Split a task into one sub-task per chosen unit."""

    headline = forms.CharField(label=_("子任务名称"), max_length=300)
    text = forms.CharField(label=_("工作要求"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(
        label=_("完成时限"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("留空则沿用原任务的时限。"),
    )
    units = forms.ModelMultipleChoiceField(
        label=_("承办单位"),
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一个单位。")},
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units if units is not None else Unit.objects.none()


class ReassignForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("改派给"), queryset=Unit.objects.none())

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()
