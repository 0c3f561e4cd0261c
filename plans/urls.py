from django.urls import path

from plans.views import actions, imports, plans, tasks

app_name = "plans"

urlpatterns = [
    path("imports/new/", imports.import_start, name="import_start"),
    path("imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", imports.import_progress, name="import_progress"),
    path("imports/<int:pk>/review/", imports.import_review, name="import_review"),
    path("<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("<int:pk>/publish/", plans.plan_publish_view, name="plan_publish"),
    path("queue/", tasks.queue, name="queue"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", tasks.task_edit, name="task_edit"),
    path("tasks/<int:pk>/split/", tasks.task_split, name="task_split"),
    path("tasks/<int:pk>/audit/", tasks.task_audit, name="task_audit"),
    path("tasks/<int:pk>/instruct/", actions.instruct, name="task_instruct"),
    path("tasks/<int:pk>/comment/", actions.comment, name="task_comment"),
    path("tasks/<int:pk>/escalate/", actions.escalate_on_task, name="task_escalate"),
    path("assignments/<int:pk>/report/", tasks.report_form, name="report_form"),
    path("assignments/<int:pk>/no-change/", actions.no_change, name="report_no_change"),
    path("assignments/<int:pk>/acknowledge/", actions.acknowledge, name="assignment_acknowledge"),
    path("assignments/<int:pk>/decline/", actions.decline, name="assignment_decline"),
    path("assignments/<int:pk>/complete/", actions.completion_request, name="completion_request"),
    path("assignments/<int:pk>/extend/", actions.extension_request, name="extension_request"),
    path("assignments/<int:pk>/remind/", actions.remind, name="assignment_remind"),
    path("assignments/<int:pk>/escalate/", actions.escalate, name="assignment_escalate"),
    path("assignments/<int:pk>/reassign/", actions.reassign, name="assignment_reassign"),
    path("assignments/<int:pk>/reopen/", actions.reopen, name="assignment_reopen"),
    path("assignments/remind/", actions.remind_many, name="remind_many"),
    path("reports/<int:pk>/review/", actions.review_report, name="report_review"),
    path("escalations/<int:pk>/respond/", actions.respond_escalation, name="escalation_respond"),
    path("escalations/<int:pk>/close/", actions.close_escalation, name="escalation_close"),
    path("instructions/<int:pk>/acknowledge/", actions.acknowledge_instruction, name="instruction_acknowledge"),
    path("completions/<int:pk>/decide/", actions.decide_completion, name="completion_decide"),
    path("extensions/<int:pk>/decide/", actions.decide_extension, name="extension_decide"),
    path("attachments/<int:pk>/", tasks.attachment_download, name="attachment_download"),
    path("people/<int:pk>/audit/", tasks.user_audit, name="user_audit"),
]
