"""Play this year's live plan (seed 004) from its publication in January to today.

Every day in the story is counted back from today, so whatever day the demo is built a newcomer
finds lights of every colour: overdue and escalated tasks (red), a deadline next week and a missed
report (yellow), steady work (green), a sub-task handed out yesterday (grey) and closed tasks.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import Unit
from accounts.services import unit_update
from core import clock
from plans import periods
from plans.models import (
    Escalation,
    ExtensionDecision,
    ExtensionRequest,
    Instruction,
    Plan,
    ProgressReport,
    ProgressStatus,
    ReportApproval,
)
from plans.services.plans import task_update
from plans.services.reports import report_review, report_submit
from plans.services.requests import extension_decide, extension_request_submit
from plans.services.subtasks import subtask_split
from plans.services.supervision import (
    comment_post,
    escalation_close,
    escalation_raise,
    escalation_respond,
    instruction_acknowledge,
    instruction_give,
)
from seeds.history.acts import (
    DELAYED,
    LATE,
    MISSING,
    ON_TIME,
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
from seeds.moments import add_workdays, workday_on_or_after, workday_on_or_before

SEED = 4004
SCHOOL = "厦门市湖里区实验小学"
DEPARTMENT = "基础教育科"
OTHER_SCHOOL = "厦门市湖里区金山小学"
PE_DEPARTMENT = "德育与体卫艺科"
TRAINING_SCHOOL = "湖里区教师进修学校"
RESEARCH_CENTRE = "湖里区教育研究中心"
PERSONNEL = "人事科"

# The holdings whose story is written out; every other one reports by the dice.
STEADY = (
    ("四.1", SCHOOL),
    ("四.1", DEPARTMENT),
    ("四.2", SCHOOL),
    ("三.1", SCHOOL),
    ("二.3", SCHOOL),
    ("七.1", DEPARTMENT),
)


@dataclass(frozen=True)
class Story:
    """The days of the live plan's story, counted back from today and never before publication."""

    published: datetime.date
    today: datetime.date
    due_day: int

    def back(self, days: int) -> datetime.date:
        """Return the working day `days` before today (the Friday for a weekend), never before publication."""
        return max(self.published, workday_on_or_before(self.today - datetime.timedelta(days=days)))

    def part(self, fraction: float) -> datetime.date:
        """Return the working day that far between publication and today."""
        day = self.published + datetime.timedelta(days=int((self.today - self.published).days * fraction))
        return max(self.published, workday_on_or_before(day))

    def steps(self, start: datetime.date, gaps: list[int]) -> list[datetime.date]:
        """Return the days of a sequence of steps `gaps` working days apart, squeezed into one day if it runs past today."""
        days = [start]
        for gap in gaps:
            days.append(add_workdays(days[-1], gap))
        return days if days[-1] < self.today else [min(self.back(1), start)] * len(days)

    @property
    def current(self) -> periods.Period:
        return periods.period_containing(periods.MONTHLY, self.today, due_day=self.due_day)

    @property
    def last_closed(self) -> periods.Period:
        return periods.last_closed_period(periods.MONTHLY, self.today, due_day=self.due_day)

    @property
    def months(self) -> list[periods.Period]:
        return periods.periods_between(periods.MONTHLY, self.published, self.today, due_day=self.due_day)

    def date_text(self, day: datetime.date) -> str:
        return f"{day.month}月{day.day}日" if day.year == self.today.year else f"{day.year}年{day.month}月{day.day}日"


def play_live(plan: Plan, cast: Cast) -> int:
    """Write the live plan's history through the services up to now; return how many events were played."""
    story = Story(published=timezone.localdate(plan.published_at), today=clock.today(), due_day=plan.report_due_day)
    play = Play(plan=plan, timeline=Timeline(until=clock.now()), cast=cast, rng=random.Random(SEED))
    play.holdings = holdings_of(plan, key="path")
    answered = _answered_escalation_period(story)
    _deadline_changes(play, story)
    _receipts(play, story)
    _monthly_reports(play, story, answered)
    _completions(play, story)
    _extensions(play, story)
    _supervision(play, story, answered)
    _manager_approval(play, story)
    return play.timeline.play()


def _deadline_changes(play: Play, story: Story) -> None:
    """The admin moves three deadlines during the year, as the district's schedule changes."""
    # Before ten o'clock: on a squeezed day (the plan published days ago) they precede the units' requests.
    changes = [
        ("二.3", story.back(75), 30, story.today - datetime.timedelta(days=12), "前完成新一轮教师全员轮训"),
        ("七.1", story.back(60), 40, story.today - datetime.timedelta(days=6), "前完成随迁子女和特殊群体入学保障"),
        ("三.3", story.back(40), 50, story.today + datetime.timedelta(days=5), "前完成校舍维修改造项目验收"),
    ]
    for path, day, minute, deadline, words in changes:
        task = next(holding.task for (key, _), holding in play.holdings.items() if key == path)
        play.at(
            day,
            9,
            minute,
            lambda task=task, deadline=deadline, words=words: task_update(
                actor=play.cast.admin,
                task=task,
                deadline=deadline,
                deadline_text=f"按区政府要求，{story.date_text(deadline)}{words}",
            ),
        )


def _receipts(play: Play, story: Story) -> None:
    for holding in play.holdings.values():
        day = add_workdays(story.published, play.rng.choice([0, 1, 1, 2, 3, 4]))
        schedule_receipt(play, holding, day, hour=play.rng.randint(9, 16), minute=play.rng.randrange(0, 60, 5))


def _answered_escalation_period(story: Story) -> periods.Period | None:
    """Return the month whose missing report earned 金山小学 an escalation mid-year, if the year is long enough."""
    period = periods.last_closed_period(periods.MONTHLY, story.part(0.5), due_day=story.due_day)
    if period.start < story.published.replace(day=1) or add_workdays(period.due, 10) >= story.today:
        return None
    return period


def _habits(key: tuple[str, str], story: Story, answered: periods.Period | None) -> Habits:
    if key not in STEADY:
        habits = Habits()
        if key == ("二.1", OTHER_SCHOOL) and answered is not None:
            habits.overrides[answered.key] = (LATE, add_workdays(answered.due, 5))  # with its answer
        return habits
    habits = Habits(weights={ON_TIME: 1}, delayed=0.0)
    if key in (("四.2", SCHOOL), ("三.1", SCHOOL)):  # nothing since the last closed month
        habits.overrides.update({p.key: MISSING for p in story.months if p.start >= story.last_closed.start})
    if key == ("二.3", SCHOOL):  # overdue, and says so in this month's report
        habits.overrides[story.current.key] = (DELAYED, max(story.current.start, story.back(3)))
    if key == ("七.1", DEPARTMENT):
        habits.overrides[story.current.key] = (DELAYED, max(story.current.start, story.back(2)))
    return habits


def _closings(story: Story) -> dict[tuple[str, str], list[datetime.date]]:
    """Return the days of each closing story: asked (and decided, returned, asked again, approved)."""
    return {
        ("三.2", SCHOOL): story.steps(story.part(0.55), [1]),
        ("二.2", PERSONNEL): story.steps(story.part(0.7), [2]),
        ("五.2", DEPARTMENT): story.steps(story.part(0.4), [1, 2, 1]),
        ("六.1", RESEARCH_CENTRE): [story.back(1)],
    }


def _monthly_reports(play: Play, story: Story, answered: periods.Period | None) -> None:
    closings = _closings(story)
    for key, holding in play.holdings.items():
        habits = _habits(key, story, answered)
        filings = plan_filings(play.rng, holding, story.months, habits=habits, deadline=None)
        closing = closings.get(key)
        if closing is not None:  # no reports once the unit has asked to close the task
            filings = [filing for filing in filings if filing.day < closing[0]]
            if filings and key != ("六.1", RESEARCH_CENTRE):
                filings[-1].percent, filings[-1].status, filings[-1].delay_reason = 100, ProgressStatus.DONE, ""
        if key in STEADY and filings and not any(filing.day < story.today for filing in filings):
            filings[0].day, filings[0].forced = story.back(1), True  # a first report, so steady work shows green
        schedule_filings(play, holding, filings, actor=play.cast.clerk(holding.unit.pk))
    for period in story.months:
        day = workday_on_or_after(period.start.replace(day=min(27, period.end.day)))
        schedule_reminder_round(play, period, day, message=f"{period.label}进展尚未报送，请于3个工作日内补报。")


def _completions(play: Play, story: Story) -> None:
    """Two tasks closed at once, one returned and closed on the second try, one waiting for the supervisor."""
    closings = _closings(story)
    school = play.holding("三.2", SCHOOL)
    asked, decided = closings[("三.2", SCHOOL)]
    schedule_completion(play, school, asked=asked, decided=decided, evidence="png", hours=(10, 15))
    personnel = play.holding("二.2", PERSONNEL)
    asked, decided = closings[("二.2", PERSONNEL)]
    schedule_completion(play, personnel, asked=asked, decided=decided, hours=(10, 15))
    department = play.holding("五.2", DEPARTMENT)
    first, returned, second, approved = closings[("五.2", DEPARTMENT)]
    schedule_completion(
        play,
        department,
        asked=first,
        decided=returned,
        returned_reason="办结材料中缺少义务教育招生入学服务满意度调查结果，请补充后重新申请。",
        hours=(9, 11),
    )
    schedule_completion(play, department, asked=second, decided=approved, evidence="pdf", hours=(14, 16))
    research = play.holding("六.1", RESEARCH_CENTRE)
    (asked,) = closings[("六.1", RESEARCH_CENTRE)]
    schedule_completion(play, research, asked=asked, decided=None, evidence="pdf", hours=(16, 17))


def _extensions(play: Play, story: Story) -> None:
    """The training school is refused more time; 基础教育科's request waits for the supervisor."""
    training = play.holding("二.3", TRAINING_SCHOOL)
    asked, refused = story.back(20), story.back(17)
    play.at(
        asked,
        10,
        0,
        lambda: extension_request_submit(
            actor=play.cast.head(training.unit.pk),
            assignment=training.assignment(),
            requested_due=story.today + datetime.timedelta(days=30),
            reason="部分学校教师参加市级赛课，轮训无法如期完成，申请延期一个月。",
        ),
    )
    play.at(
        refused,
        16,
        0,
        lambda: extension_decide(
            actor=play.cast.supervisor,
            request=ExtensionRequest.objects.get(assignment=training.assignment(), decision=ExtensionDecision.PENDING),
            grant=False,
            reason="轮训时间已按区里统一安排，请错峰安排参赛教师补训，按期完成。",
        ),
    )
    department = play.holding("七.1", DEPARTMENT)
    play.at(
        story.back(7),
        15,
        0,
        lambda: extension_request_submit(
            actor=play.cast.head(department.unit.pk),
            assignment=department.assignment(),
            requested_due=story.today + datetime.timedelta(days=25),
            reason="新建学校学位尚未交付，部分随迁子女需过渡安置，申请延期。",
        ),
    )


def _supervision(play: Play, story: Story, answered: periods.Period | None) -> None:
    """Escalations, a leader's instruction, a split task and a short exchange of comments."""
    school = play.holding("三.1", SCHOOL)
    play.at(
        story.back(2),
        10,
        0,
        lambda: escalation_raise(
            actor=play.cast.supervisor,
            assignment=school.assignment(),
            reason="你校“推进城乡教育一体化发展”进展逾期未报，经催办仍未报送，现予督办，请书面说明情况。",
        ),
    )
    if answered is not None:
        _answered_escalation(play, play.holding("二.1", OTHER_SCHOOL), answered)
    _instruction(play, story)
    parent = play.holding("四.2", PE_DEPARTMENT)
    units = list(Unit.objects.filter(name__in=[DEPARTMENT, SCHOOL, OTHER_SCHOOL]).order_by("sort_order"))
    play.at(
        story.back(1),
        15,
        30,
        lambda: subtask_split(
            actor=play.cast.clerk(parent.unit.pk),
            task=parent.task,
            headline="劳动教育实践基地建设情况摸底",
            text="摸清现有劳动教育实践基地的场地、课程和师资情况，填写摸底表并附照片。",
            units=units,
            deadline=story.today + datetime.timedelta(days=30),
        ),
    )
    training = play.holding("二.3", SCHOOL)
    play.at(
        story.back(10),
        10,
        0,
        lambda: comment_post(
            actor=play.cast.supervisor, task=training.task, text="请说明教师全员轮训的完成人数和未完成原因。"
        ),
    )
    play.at(
        story.back(9),
        16,
        0,
        lambda: comment_post(
            actor=play.cast.clerk(training.unit.pk),
            task=training.task,
            text="我校应训86人，已完成71人；其余15人因参加市级赛课未能参训，已报名下一期补训。",
        ),
    )


def _answered_escalation(play: Play, holding: Holding, period: periods.Period) -> None:
    raised = add_workdays(period.due, 3)

    def current() -> Escalation:
        return Escalation.objects.filter(assignment=holding.assignment(), closed_at__isnull=True).get()

    play.at(
        raised,
        10,
        0,
        lambda: escalation_raise(
            actor=play.cast.supervisor,
            assignment=holding.assignment(),
            reason=f"你校{period.label}“加强师德师风建设”进展逾期未报，经催办仍未报送，现予督办。",
            response_due=add_workdays(raised, 3),
        ),
    )
    play.at(
        add_workdays(raised, 2),
        16,
        0,
        lambda: escalation_respond(
            actor=play.cast.head(holding.unit.pk),
            escalation=current(),
            text="经办人休产假，工作未及时交接。已安排专人负责，进展已于今日补报。",
        ),
    )
    play.at(
        add_workdays(raised, 3),
        9,
        30,
        lambda: escalation_close(actor=play.cast.supervisor, escalation=current()),
    )


def _instruction(play: Play, story: Story) -> None:
    """A leader's instruction on 三.1: 基础教育科 and 金山小学 acknowledge it, 实验小学 not yet."""
    task = play.holding("三.1", DEPARTMENT).task

    def acknowledge(unit_name: str):
        return lambda: instruction_acknowledge(
            actor=play.cast.head(play.holding("三.1", unit_name).unit.pk),
            instruction=Instruction.objects.filter(task=task).latest("created_at"),
        )

    play.at(
        story.back(5),
        10,
        0,
        lambda: instruction_give(
            actor=play.cast.leader,
            task=task,
            text="城乡一体化要抓住集团化办学这个牛鼻子，基础教育科牵头，年底前形成可复制的经验。",
        ),
    )
    play.at(story.back(4), 15, 0, acknowledge(DEPARTMENT))
    play.at(story.back(3), 11, 0, acknowledge(OTHER_SCHOOL))


def _manager_approval(play: Play, story: Story) -> None:
    """实验小学 starts requiring its head's approval of staff reports; the head approves them each evening.

    The reports filed after the head's last round (yesterday's, at least) still wait. In a year only
    days old there is no evening round before today, so the school does not ask for approval yet.
    """
    start = story.back(45)
    if start >= story.back(1):
        return
    school = Unit.objects.get(name=SCHOOL)
    manager = play.cast.managers[school.pk]
    play.at(start, 9, 0, lambda: unit_update(actor=play.cast.admin, unit=school, reports_need_approval=True))

    def approve_waiting() -> None:
        reviewed = ReportApproval.objects.filter(report_id=OuterRef("pk"))
        superseded = ProgressReport.objects.filter(supersedes_id=OuterRef("pk"))
        waiting = (
            ProgressReport.objects.filter(needs_approval=True, assignment__unit=school)
            .exclude(Exists(reviewed))
            .exclude(Exists(superseded))
            .order_by("created_at", "pk")
        )
        for report in waiting:
            report_review(actor=manager, report=report, approve=True, note="")

    day = start
    while day < story.today:
        play.at(day, 18, 0, approve_waiting)  # after the day's reports (filed by 17:57)
        day = add_workdays(day, 1)
    yellow = play.holding("三.3", SCHOOL)
    play.at(
        story.back(1),
        18,
        20,
        lambda: report_submit(
            actor=play.cast.clerk(school.pk),
            assignment=yellow.assignment(),
            text="校舍维修改造已完成主体施工，正在进行消防和电路验收前的自查。",
            percent=85,
            status=ProgressStatus.IN_PROGRESS,
        ),
    )
