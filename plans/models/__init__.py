"""The plan domain model, split by concept and re-exported here."""

from plans.models.assignment import Assignment
from plans.models.choices import (
    AssignmentRole,
    AssignmentStatus,
    CompletionDecision,
    EscalationLevel,
    PlanStatus,
    ProgressStatus,
    ReminderKind,
    ReportingCycle,
)
from plans.models.imports import ImportStatus, PlanImport
from plans.models.plan import Milestone, Plan, Section, Task
from plans.models.report import Attachment, ProgressReport
from plans.models.supervision import (
    CompletionRequest,
    Escalation,
    EscalationResponse,
    Instruction,
    InstructionAcknowledgement,
    Reminder,
)

__all__ = [
    "Assignment",
    "AssignmentRole",
    "AssignmentStatus",
    "Attachment",
    "CompletionDecision",
    "CompletionRequest",
    "Escalation",
    "EscalationLevel",
    "EscalationResponse",
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
    "ReportingCycle",
    "Section",
    "Task",
]
