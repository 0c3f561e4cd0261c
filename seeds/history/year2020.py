"""Play 厦湖教〔2020〕132号 from its publication on 2 July 2020 to the end of the year, as the units would have."""

from __future__ import annotations

import datetime
import random

from accounts.models import Unit
from core import clock
from plans import periods
from plans.models import (
    Assignment,
    AssignmentStatus,
    Escalation,
    ExtensionDecision,
    ExtensionRequest,
    Instruction,
    Plan,
)
from plans.services.assignments import assignment_decline, assignment_reassign
from plans.services.reports import report_submit
from plans.services.requests import extension_decide, extension_request_submit
from plans.services.supervision import (
    comment_post,
    escalation_close,
    escalation_raise,
    escalation_respond,
    instruction_acknowledge,
    instruction_give,
    reminder_send,
)
from seeds.history.acts import (
    LATE,
    MISSING,
    NO_CHANGE,
    ON_TIME,
    Filing,
    Habits,
    Holding,
    Play,
    holdings_of,
    plan_filings,
    schedule_completion,
    schedule_filings,
    schedule_receipt,
    schedule_reminder_round,
)
from seeds.history.cast import Cast
from seeds.history.timeline import Timeline
from seeds.moments import add_workdays, workday_on_or_after

SEED = 20200702
D = datetime.date
PUBLISHED_ON = D(2020, 7, 2)
YEAR_END = D(2020, 12, 31)
MONTHS = periods.periods_between(periods.MONTHLY, D(2020, 7, 1), YEAR_END)

SCHOOL = "厦门市湖里区实验小学"
DEPARTMENT = "基础教育科"
SPORTS_SCHOOL = "湖里区少年儿童业余体育学校"
PE_DEPARTMENT = "德育与体卫艺科"
TASK_FORCE = "湖里区区域教育中心建设专班"
SKIPPING_SCHOOL = "厦门市湖里区殿前中学"
SLOW_TO_ACKNOWLEDGE = (("22", "厦门市湖里区蓝天幼儿园"), ("22", "厦门市湖里区阳光宝贝幼儿园"))

DECLINE_REASON = (
    "不属于本单位职责：校外教育阵地建设由区青少年宫负责，我校承担的是业余训练任务，建议改由德育与体卫艺科配合。"
)
RETURN_REASON = "请补充秋季开学疫情防控应急演练的佐证材料（照片或台账）后重新申请。"
FINISHED_IN_NOVEMBER = ("8", "19", "28")  # tasks whose units close them a month early
UNFINISHED = (("11", TASK_FORCE),)  # the new campus is still being built at the year's end


def play_2020(plan: Plan, cast: Cast) -> int:
    """Write the 2020 plan's history through the services; return how many events were played."""
    play = Play(plan=plan, timeline=Timeline(until=clock.now()), cast=cast, rng=random.Random(SEED))
    play.holdings = holdings_of(plan, key="number")
    declined = play.holdings.pop(("16", SPORTS_SCHOOL))
    replacement = Holding(declined.task, Unit.objects.get(name=PE_DEPARTMENT), declined.role, D(2020, 7, 7))
    _receipts(play, declined=declined, replacement=replacement)
    play.holdings[("16", PE_DEPARTMENT)] = replacement
    _monthly_reports(play)
    _reminder_rounds(play)
    _escalations(play)
    _extensions(play)
    _instruction_and_comments(play)
    return play.timeline.play()


def _receipts(play: Play, *, declined: Holding, replacement: Holding) -> None:
    """Most units acknowledge within days; one declines within the window and the admin reassigns it."""
    for key, holding in play.holdings.items():
        day = (
            D(2020, 7, 13)
            if key in SLOW_TO_ACKNOWLEDGE
            else add_workdays(PUBLISHED_ON, play.rng.choice([0, 1, 2, 3, 4]))
        )
        schedule_receipt(play, holding, day, hour=play.rng.randint(9, 16), minute=play.rng.randrange(0, 60, 5))
    play.at(
        D(2020, 7, 6),
        10,
        20,
        lambda: assignment_decline(
            actor=play.cast.head(declined.unit.pk), assignment=declined.assignment(), reason=DECLINE_REASON
        ),
    )
    play.at(
        D(2020, 7, 7),
        9,
        40,
        lambda: assignment_reassign(actor=play.cast.admin, assignment=declined.assignment(), unit=replacement.unit),
    )
    schedule_receipt(play, replacement, D(2020, 7, 8), hour=10, minute=5)

    def remind_unacknowledged() -> None:
        waiting = Assignment.objects.filter(task__plan=play.plan, status=AssignmentStatus.NEW).order_by("pk")
        reminder_send(actor=play.cast.supervisor, assignments=list(waiting), message="请尽快签收交办任务。")

    play.at(D(2020, 7, 10), 9, 30, remind_unacknowledged)


def _habits(play: Play, key: tuple[str, str]) -> Habits:
    """Return how a unit reports on a task, with the months the story needs pinned down."""
    final = None if key in UNFINISHED else "2020-11" if key[0] in FINISHED_IN_NOVEMBER else "2020-12"
    habits = Habits(final_period=final)
    # July is not yet required (the plan came out on the 2nd); about two units in five report anyway.
    habits.overrides["2020-07"] = ON_TIME if play.rng.random() < 0.4 else MISSING
    if final:
        habits.overrides[final] = ON_TIME
    pinned: dict[tuple[str, str], dict] = {
        ("13", SCHOOL): {"2020-09": (ON_TIME, D(2020, 9, 22))},  # corrected the next day
        ("30", SCHOOL): {"2020-10": (LATE, D(2020, 10, 28))},  # after the reminder of 27 October
        ("6", SCHOOL): {"2020-11": NO_CHANGE},
        ("22", SCHOOL): {"2020-11": ON_TIME, "2020-12": (ON_TIME, D(2020, 12, 8))},
        ("30", SKIPPING_SCHOOL): {"2020-09": MISSING, "2020-10": (LATE, D(2020, 10, 30))},
        ("11", TASK_FORCE): {p.key: ON_TIME for p in MONTHS[1:]},
    }
    habits.overrides.update(pinned.get(key, {}))
    if key == ("11", TASK_FORCE):
        habits.delayed = 1.0
    return habits


def _monthly_reports(play: Play) -> None:
    """Every unit reports each month by the 25th, with the lateness, gaps and corrections of real life."""
    for key, holding in play.holdings.items():
        habits = _habits(play, key)
        months = [p for p in MONTHS if habits.final_period is None or p.key <= habits.final_period]
        filings = plan_filings(play.rng, holding, months, habits=habits, deadline=YEAR_END)
        if key == ("22", SCHOOL):
            next(f for f in filings if f.period.key == "2020-11").evidence = "png"
        schedule_filings(play, holding, filings, actor=play.cast.clerk(holding.unit.pk))
        if key == ("13", SCHOOL):
            _correction(play, holding, next(f for f in filings if f.period.key == "2020-09"))
        if key == ("22", SCHOOL):
            _returned_then_approved(play, holding)
        elif habits.final_period:
            last = filings[-1].day
            asked = min(add_workdays(last, play.rng.randint(1, 3)), D(2020, 12, 29))
            decided = min(add_workdays(asked, play.rng.randint(1, 2)), YEAR_END)
            schedule_completion(play, holding, asked=asked, decided=decided)


def _correction(play: Play, holding: Holding, filing: Filing) -> None:
    def correct() -> None:
        report_submit(
            actor=play.cast.clerk(holding.unit.pk),
            assignment=holding.assignment(),
            text=f"更正：昨日填报的完成比例有误，应为{filing.percent + 5}%。" + filing.text,
            percent=filing.percent + 5,
            status=filing.status,
            delay_reason=filing.delay_reason,
            period_key=filing.period.key,
        )

    play.at(D(2020, 9, 23), 10, 15, correct)


def _returned_then_approved(play: Play, holding: Holding) -> None:
    schedule_completion(play, holding, asked=D(2020, 12, 10), decided=D(2020, 12, 11), returned_reason=RETURN_REASON)
    schedule_completion(play, holding, asked=D(2020, 12, 14), decided=D(2020, 12, 15), evidence="pdf")


def _reminder_rounds(play: Play) -> None:
    """On the first working day after the 26th the supervisor reminds every unit still missing the month's report."""
    for period in MONTHS[1:]:
        day = workday_on_or_after(period.start.replace(day=27))
        message = f"{period.label}进展尚未报送，请于3个工作日内补报。"
        schedule_reminder_round(play, period, day, message=message)


def _escalations(play: Play) -> None:
    """One escalation answered in time and closed; one answered late, then closed."""
    _escalation(
        play,
        play.holding("30", SKIPPING_SCHOOL),
        raised=(D(2020, 10, 28), 10, 0),
        reason="你校9月、10月连续两个月未报送“强化校园安全保障”工作进展，经催办仍未报送，现予督办。",
        answered=(D(2020, 10, 30), 15, 30),
        answer="因分管安全的副校长调岗，交接中漏报，深表歉意。已明确专人负责，10月进展今天一并补报，今后按月报送。",
        closed=(D(2020, 11, 2), 9, 30),
    )
    _escalation(
        play,
        play.holding("11", TASK_FORCE),
        raised=(D(2020, 11, 27), 10, 30),
        reason="补短扩容项目延期后进度仍然滞后，请书面说明原因、已采取的措施和确保年内完工的时间表。",
        answered=(D(2020, 12, 3), 16, 0),
        answer="项目室外配套工程受连续降雨影响推迟。已增加施工班组、实行两班倒，计划2021年1月底前完成竣工验收。",
        closed=(D(2020, 12, 7), 10, 0),
    )


def _escalation(play: Play, holding: Holding, *, raised, reason: str, answered, answer: str, closed) -> None:
    def raise_it() -> None:
        escalation_raise(actor=play.cast.supervisor, assignment=holding.assignment(), reason=reason)

    def current() -> Escalation:
        return Escalation.objects.filter(assignment=holding.assignment(), closed_at__isnull=True).get()

    play.at(*raised, raise_it)
    play.at(
        *answered, lambda: escalation_respond(actor=play.cast.head(holding.unit.pk), escalation=current(), text=answer)
    )
    play.at(*closed, lambda: escalation_close(actor=play.cast.supervisor, escalation=current()))


def _extensions(play: Play) -> None:
    """One extension granted (the new campus), one refused (a yearly task asked into next year)."""
    granted = play.holding("11", TASK_FORCE)
    refused = play.holding("17", DEPARTMENT)
    play.at(
        D(2020, 8, 20),
        11,
        0,
        lambda: extension_request_submit(
            actor=play.cast.head(granted.unit.pk),
            assignment=granted.assignment(),
            requested_due=YEAR_END,
            reason="受疫情影响，新校区项目开工推迟两个月，秋季无法如期交付，申请延期至12月31日。",
        ),
    )
    play.at(
        D(2020, 8, 24),
        10,
        0,
        lambda: _decide_extension(play, granted, grant=True, reason="同意延期，请倒排工期，每月报送施工进度。"),
    )
    play.at(
        D(2020, 11, 16),
        15,
        20,
        lambda: extension_request_submit(
            actor=play.cast.head(refused.unit.pk),
            assignment=refused.assignment(),
            requested_due=D(2021, 3, 31),
            reason="省语言文字规范化达标校复核推迟至明年春季，申请延期至2021年3月31日。",
        ),
    )
    play.at(
        D(2020, 11, 19),
        9,
        45,
        lambda: _decide_extension(
            play, refused, grant=False, reason="年度任务须在年内完成；复核时间以上级通知为准，请先完成自查和材料准备。"
        ),
    )


def _decide_extension(play: Play, holding: Holding, *, grant: bool, reason: str) -> None:
    request = ExtensionRequest.objects.get(assignment=holding.assignment(), decision=ExtensionDecision.PENDING)
    extension_decide(actor=play.cast.supervisor, request=request, grant=grant, reason=reason)


def _instruction_and_comments(play: Play) -> None:
    """A leader's instruction every holder acknowledges, and a short exchange of comments."""
    task = play.holding("13", DEPARTMENT).task
    play.at(
        D(2020, 9, 10),
        10,
        30,
        lambda: instruction_give(
            actor=play.cast.leader,
            task=task,
            text="义务教育优质均衡是今年的重中之重。基础教育科牵头，各校对照指标逐项补短板，9月底前报送自评情况。",
        ),
    )
    for (number, _name), holding in play.holdings.items():
        if number != "13":
            continue
        day = add_workdays(D(2020, 9, 10), play.rng.randint(0, 4))
        play.at(
            day,
            play.rng.randint(14, 17),
            play.rng.randrange(0, 60, 5),
            _acknowledge_instruction(play, holding),
        )
    eleven = play.holding("11", TASK_FORCE)
    play.at(
        D(2020, 9, 2),
        10,
        0,
        lambda: comment_post(
            actor=play.cast.supervisor,
            task=eleven.task,
            text="请专班说明新校区项目的最新进度、存在困难和需要协调的事项。",
        ),
    )
    play.at(
        D(2020, 9, 3),
        15,
        20,
        lambda: comment_post(
            actor=play.cast.clerk(eleven.unit.pk),
            task=eleven.task,
            text="新校区主体结构已封顶，正在室内装修；受疫情影响工期顺延约两个月，已申请延期至年底。",
        ),
    )
    play.at(
        D(2020, 9, 15),
        11,
        0,
        lambda: comment_post(
            actor=play.cast.clerk(play.holding("13", DEPARTMENT).unit.pk),
            task=task,
            text="请各校于9月25日前随月报上传义务教育优质均衡发展自评表。",
        ),
    )


def _acknowledge_instruction(play: Play, holding: Holding):
    def acknowledge() -> None:
        instruction = Instruction.objects.filter(task=holding.task).latest("created_at")
        instruction_acknowledge(actor=play.cast.head(holding.unit.pk), instruction=instruction)

    return acknowledge
