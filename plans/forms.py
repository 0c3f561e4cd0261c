"""Forms of the plan pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from plans.models import Plan
from plans.services.imports import IMPORT_SUFFIXES, unsupported_file_reason


class PlanImportForm(forms.Form):
    """Upload a plan document, or paste its text."""

    file = forms.FileField(
        label=_("上传文件"),
        required=False,
        help_text=_("支持 .docx、.pdf（带文字层）、.txt、.html、.xlsx，不超过 20 MB。"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(IMPORT_SUFFIXES)}),
    )
    text = forms.CharField(
        label=_("或粘贴正文"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("可直接粘贴 Word、网页中的正文或表格。"),
    )
    plan_year = forms.IntegerField(
        label=_("计划年度"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("文件中写作 202x、XX年 时请填写；留空则从文件中识别。"),
    )
    previous_plan = forms.ModelChoiceField(
        label=_("作为新版本替换"),
        required=False,
        queryset=Plan.objects.none(),
        help_text=_("重新导入修订后的文件时选择原计划，审核页会逐项列出变化。"),
    )

    def __init__(self, *args, plans=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["previous_plan"].queryset = plans if plans is not None else Plan.objects.none()

    def clean(self):
        cleaned = super().clean()
        upload, text = cleaned.get("file"), (cleaned.get("text") or "").strip()
        if upload and text:
            raise forms.ValidationError(_("请只选择一种方式：上传文件或粘贴正文。"))
        if not upload and not text and not self.errors:
            raise forms.ValidationError(_("请上传文件或粘贴正文。"))
        if upload and (reason := unsupported_file_reason(upload.name)):
            self.add_error("file", reason)
        return cleaned
