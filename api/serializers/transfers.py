"""Serializers for plan imports (立项), export jobs and the monthly report archive (月报存档).

Inputs are mapped to the service calls as they are; the services decide what may be done.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.reverse import reverse

from accounts.models import Unit
from exports.forms import MONTH_KINDS, month_key
from exports.models import ArchivedReport, ExportFormat, ExportJob, ExportKind, ExportSplit, JobState
from exports.monthly import ExportError, month_from_text
from plans.models import ImportStatus, Plan, PlanImport
from plans.services.import_review import included_rows
from plans.services.imports import unsupported_file_reason

# --- errors --------------------------------------------------------------------------------------------


def _month_text(month: datetime.date | None) -> str | None:
    return month_key(month) if month else None


# --- imports: the upload -----------------------------------------------------------------------------


class PlanImportTextSerializer(serializers.Serializer):
    """Pasted text of a plan document (JSON), with the year when the text writes 202x or XX年."""

    text = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, help_text="粘贴的正文 / Pasted text"
    )
    plan_year = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=2000,
        max_value=2100,
        help_text="计划年度；留空则从文件中识别 / Plan year; read from the document when left out",
    )
    previous_plan = serializers.PrimaryKeyRelatedField(
        queryset=Plan.objects.all(),
        required=False,
        allow_null=True,
        help_text="作为该计划的新版本导入 / Import as a new version of this plan",
    )


class PlanImportStartSerializer(PlanImportTextSerializer):
    """A plan document uploaded (multipart `file`) or pasted (`text`): exactly one of the two."""

    file = serializers.FileField(
        required=False,
        allow_empty_file=True,  # the service says what is wrong with an empty file
        help_text="计划文件（.docx、.pdf、.txt、.html、.xlsx）/ Plan document",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        upload, text = attrs.get("file"), (attrs.get("text") or "").strip()
        if upload and text:
            raise serializers.ValidationError(_("请只选择一种方式：上传文件或粘贴正文。"))
        if not upload and not text:
            raise serializers.ValidationError(_("请上传文件或粘贴正文。"))
        if upload and (reason := unsupported_file_reason(upload.name)):
            raise serializers.ValidationError({"file": reason})
        return attrs


class PlanImportConfirmSerializer(serializers.Serializer):
    """Confirm (立项): the unmatched owner names to create as new units."""

    create_units = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        default=list,
        help_text="要新建的单位（取自 preview.unmatched）/ Unmatched names to create as units",
    )


class PlanImportConfirmedSerializer(serializers.Serializer):
    """The plan a confirmed import created (a draft until published)."""

    plan = serializers.IntegerField(help_text="生成的计划 id / Created plan id")
    title = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    task_count = serializers.IntegerField()


# --- imports: the review tree ---------------------------------------------------------------------------


class ImportOwnerSerializer(serializers.Serializer):
    """An owner as written in the document and the unit (or group of units) it was matched to."""

    written = serializers.CharField()
    unit_id = serializers.IntegerField(allow_null=True)
    unit_name = serializers.CharField(allow_null=True)
    method = serializers.CharField(allow_null=True)
    group_unit_ids = serializers.ListField(child=serializers.IntegerField())


class ImportMilestoneSerializer(serializers.Serializer):
    text = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    due_text = serializers.CharField(allow_blank=True)


class ImportRowSerializer(serializers.Serializer):
    """A section or an item of the review tree; owners, deadline and milestones are for items only."""

    id = serializers.CharField()
    kind = serializers.ChoiceField(choices=(("section", _("篇章")), ("item", _("任务"))))
    path = serializers.ListField(child=serializers.CharField())
    depth = serializers.IntegerField()
    number = serializers.CharField(allow_blank=True, allow_null=True)
    title = serializers.CharField(allow_blank=True)
    include = serializers.BooleanField()
    excluded = serializers.BooleanField(help_text="自身或上级未勾选，不会导入 / Left out, itself or a parent")
    warnings = serializers.ListField(child=serializers.CharField())
    lead = ImportOwnerSerializer(allow_null=True)
    co = ImportOwnerSerializer(many=True)
    owner_text = serializers.CharField(allow_blank=True)
    deadline = serializers.DateField(allow_null=True)
    deadline_text = serializers.CharField(allow_blank=True)
    deadline_kind = serializers.CharField(allow_blank=True)
    ongoing = serializers.BooleanField()
    recurring_cycle = serializers.CharField(allow_null=True)
    milestones = ImportMilestoneSerializer(many=True)


class ImportMetadataSerializer(serializers.Serializer):
    title = serializers.CharField(allow_blank=True)
    doc_number = serializers.CharField(allow_blank=True)
    issuer = serializers.CharField(allow_blank=True)
    issued_on = serializers.CharField(allow_blank=True)
    recipients = serializers.CharField(allow_blank=True)
    plan_year = serializers.IntegerField(allow_null=True)
    year_placeholder = serializers.CharField(allow_blank=True)


class ImportDifferenceSerializer(serializers.Serializer):
    field = serializers.CharField()
    before = serializers.CharField(allow_null=True)
    after = serializers.CharField(allow_null=True)


class ImportChangeSerializer(serializers.Serializer):
    """One item's change against the plan being replaced."""

    path = serializers.CharField()
    change = serializers.ChoiceField(choices=(("added", _("新增")), ("removed", _("删除")), ("changed", _("变更"))))
    title = serializers.CharField()
    differences = ImportDifferenceSerializer(many=True)


class ImportPreviewSerializer(serializers.Serializer):
    """The review tree as the review page shows it, with its counts."""

    metadata = ImportMetadataSerializer()
    item_count = serializers.IntegerField()
    section_count = serializers.IntegerField()
    warning_count = serializers.IntegerField()
    warnings = serializers.ListField(child=serializers.CharField())
    unmatched = serializers.ListField(child=serializers.CharField())
    diff = ImportChangeSerializer(many=True)
    rows = ImportRowSerializer(many=True)


ITEM_DEFAULTS: dict[str, Any] = {
    "lead": None,
    "co": [],
    "owner_text": "",
    "deadline": None,
    "deadline_text": "",
    "deadline_kind": "",
    "ongoing": False,
    "recurring_cycle": None,
    "milestones": [],
}


def _owner(entry: dict | None, names: dict[int, str]) -> dict | None:
    if not entry:
        return None
    return {
        "written": entry.get("written", ""),
        "unit_id": entry.get("unit_id"),
        "unit_name": names.get(entry.get("unit_id")),
        "method": entry.get("method"),
        "group_unit_ids": list(entry.get("group_unit_ids") or []),
    }


def import_preview(review: dict) -> dict[str, Any]:
    """Return the review tree of a parsed import with the counts the review page shows."""
    rows = review.get("rows", [])
    kept_ids = {row["id"] for row in included_rows(rows)}
    unit_ids = {
        entry["unit_id"]
        for row in rows
        for entry in [row.get("lead"), *row.get("co", [])]
        if entry and entry.get("unit_id")
    }
    names = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name")) if unit_ids else {}
    shaped = []
    for row in rows:
        item = {**ITEM_DEFAULTS, **row, "excluded": row["id"] not in kept_ids}
        item["lead"] = _owner(row.get("lead"), names)
        item["co"] = [_owner(entry, names) for entry in row.get("co", []) if entry]
        shaped.append(item)
    return {
        "metadata": review.get("metadata", {}),
        "item_count": sum(1 for row in shaped if row["kind"] == "item" and not row["excluded"]),
        "section_count": sum(1 for row in shaped if row["kind"] == "section"),
        "warning_count": sum(1 for row in shaped if row.get("warnings")),
        "warnings": review.get("warnings", []),
        "unmatched": review.get("unmatched", []),
        "diff": [{"differences": [], **change} for change in review.get("diff", [])],
        "rows": shaped,
    }


# --- imports: the record ---------------------------------------------------------------------------------


class PlanImportSerializer(serializers.ModelSerializer):
    """An import: where it stands (parsing, ready for review, failed, confirmed, cancelled)."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    created_by_name = serializers.CharField(source="created_by.get_full_name", read_only=True)

    class Meta:
        model = PlanImport
        fields = (
            "id",
            "status",
            "status_label",
            "progress",
            "error",
            "source_name",
            "source_format",
            "plan_year",
            "previous_plan",
            "plan",
            "created_by",
            "created_by_name",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class PlanImportDetailSerializer(PlanImportSerializer):
    """An import with its review tree once parsed (`preview` is null while parsing or after a failure)."""

    preview = serializers.SerializerMethodField()

    class Meta(PlanImportSerializer.Meta):
        fields = (*PlanImportSerializer.Meta.fields, "preview")
        read_only_fields = fields

    @extend_schema_field(ImportPreviewSerializer(allow_null=True))
    def get_preview(self, record: PlanImport) -> dict | None:
        """Return the review tree when the import has been parsed, else None."""
        if record.status in (ImportStatus.PARSING, ImportStatus.FAILED) or not record.review:
            return None
        return ImportPreviewSerializer(import_preview(record.review)).data


# --- exports -------------------------------------------------------------------------------------------


class ExportRequestSerializer(serializers.Serializer):
    """What to export; the job is queued and made in the background."""

    kind = serializers.ChoiceField(choices=ExportKind.choices, help_text="报表 / Report")
    fmt = serializers.ChoiceField(choices=ExportFormat.choices, help_text="格式 / Format")
    plan = serializers.PrimaryKeyRelatedField(queryset=Plan.objects.all(), help_text="工作计划 id / Plan id")
    month = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=7,
        help_text="月份 YYYY-MM；月度推进情况表必填，台账为截至月份 / Month; required for monthly reports",
    )
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(),
        required=False,
        allow_null=True,
        help_text="只导出该单位承办的任务；单位人员不填时为本单位 / Unit scope; a unit's own unit when left out",
    )
    split = serializers.ChoiceField(
        choices=ExportSplit.choices, required=False, allow_blank=True, default="", help_text="分表 / Split"
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        text = (attrs.get("month") or "").strip()
        try:
            attrs["month"] = month_from_text(text) if text and attrs["kind"] in MONTH_KINDS else None
        except ExportError as exc:
            raise serializers.ValidationError({"month": str(exc)}) from exc
        return attrs


class ExportJobSerializer(serializers.ModelSerializer):
    """An export job: its request, where it stands, and its download address once done."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    fmt_label = serializers.CharField(source="get_fmt_display", read_only=True)
    plan_title = serializers.CharField(source="plan.title", read_only=True)
    month = serializers.SerializerMethodField()
    unit_name = serializers.CharField(source="unit.name", read_only=True, allow_null=True, default=None)
    split_label = serializers.CharField(source="get_split_display", read_only=True)
    status = serializers.ChoiceField(source="state", choices=JobState.choices, read_only=True)
    status_label = serializers.CharField(source="get_state_display", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = (
            "id",
            "kind",
            "kind_label",
            "fmt",
            "fmt_label",
            "plan",
            "plan_title",
            "month",
            "unit",
            "unit_name",
            "split",
            "split_label",
            "status",
            "status_label",
            "progress",
            "stage",
            "error",
            "filename",
            "size",
            "sha256",
            "created_at",
            "started_at",
            "finished_at",
            "download_url",
        )
        read_only_fields = fields

    def get_month(self, job: ExportJob) -> str | None:
        """Return the month as YYYY-MM (None for data files and a ledger up to now)."""
        return _month_text(job.month)

    def get_download_url(self, job: ExportJob) -> str | None:
        """Return the file's API address once the job is done, else None."""
        if job.state != JobState.DONE:
            return None
        request: Request | None = self.context.get("request")
        return reverse("api:export-job-download", args=[job.pk], request=request)


class ArchivedReportSerializer(serializers.ModelSerializer):
    """A monthly report kept in the archive, one version of one format."""

    plan_title = serializers.CharField(source="plan.title", read_only=True)
    month = serializers.SerializerMethodField()
    fmt_label = serializers.CharField(source="get_fmt_display", read_only=True)
    generated_by_name = serializers.CharField(
        source="generated_by.get_full_name", read_only=True, allow_null=True, default=None
    )
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ArchivedReport
        fields = (
            "id",
            "plan",
            "plan_title",
            "month",
            "fmt",
            "fmt_label",
            "version",
            "filename",
            "size",
            "sha256",
            "content_digest",
            "as_of",
            "generated_by",
            "generated_by_name",
            "reason",
            "generated_at",
            "download_url",
        )
        read_only_fields = fields

    def get_month(self, record: ArchivedReport) -> str:
        """Return the month as YYYY-MM."""
        return month_key(record.month)

    def get_download_url(self, record: ArchivedReport) -> str:
        """Return the file's API address."""
        return reverse("api:archived-report-download", args=[record.pk], request=self.context.get("request"))
