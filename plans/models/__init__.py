"""The plan domain model, split by concept and re-exported here."""

from plans.models.assignment import Assignment
from plans.models.choices import (
    AssignmentRole,
    AssignmentStatus,
    CompletionDecision,
    EscalationLevel,
    ExtensionDecision,
    PlanStatus,
    ProgressStatus,
    ReminderKind,
    ReportingCycle,
)
from plans.models.imports import ImportStatus, PlanImport
from plans.models.plan import Milestone, Plan, Section, Task
from plans.models.report import Attachment, ProgressReport, ReportApproval
from plans.models.saved_filter import SavedFilter
from plans.models.supervision import (
    Comment,
    CompletionRequest,
    Escalation,
    EscalationResponse,
    ExtensionRequest,
    Instruction,
    InstructionAcknowledgement,
    Reminder,
)

__all__ = [
    "Assignment",
    "AssignmentRole",
    "AssignmentStatus",
    "Attachment",
    "Comment",
    "CompletionDecision",
    "CompletionRequest",
    "Escalation",
    "EscalationLevel",
    "EscalationResponse",
    "ExtensionDecision",
    "ExtensionRequest",
    "ImportStatus",
    "Instruction",
    "InstructionAcknowledgement",
    "Milestone",
    "Plan",
    "PlanImport",
    "PlanStatus",
    "ProgressReport",
    "ProgressStatus",
    "Reminder",
    "ReminderKind",
    "ReportApproval",
    "ReportingCycle",
    "SavedFilter",
    "Section",
    "Task",
]
