"""manage.py seed_demo: create the demo bureau and its plans' history, idempotently, and print the demo logins."""

from django.core.management.base import BaseCommand

from accounts.models import User
from seeds.archive import seed_demo_archive
from seeds.demo import demo_password, seed_demo_directory
from seeds.history import history_summary, seed_demo_history
from seeds.plans import seed_demo_plans

LIGHT_NAMES = {"red": "红灯", "yellow": "黄灯", "green": "绿灯", "grey": "灰灯", "done": "已办结"}


class Command(BaseCommand):
    help = "创建演示数据（湖里区教育局及其科室、学校、幼儿园，各角色演示账号，两份计划及其办理过程）；可重复运行。"

    def handle(self, *args, **options):
        created_units, created_users, logins = seed_demo_directory()
        self.stdout.write(f"单位：新建 {len(created_units)} 个；人员：新建 {len(created_users)} 个。")
        plans = seed_demo_plans(User.objects.get(username="admin"))
        self.stdout.write(f"工作计划：新建 {len(plans)} 份。")
        for plan in plans:
            self.stdout.write(f"  {plan.get_status_display()} {plan}：{plan.tasks.count()} 项任务")
        history = seed_demo_history()
        if history.played:
            names = "、".join(plan.title for plan in history.played)
            self.stdout.write(f"办理过程：已回放 {names}（{history.events} 个事件）。")
        else:
            self.stdout.write("办理过程：已存在，未重复生成。")
        for name in history.skipped:
            self.stdout.write(f"  未回放 {name}：它不是按演示时间发布的，请用新数据库重新生成。")
        archived = seed_demo_archive()
        self.stdout.write(f"月报存档：新增 {archived} 份（上月月度推进情况表，每月1日自动存档）。")
        self._summary()
        self.stdout.write(f"演示账号（密码均为 {demo_password()}）：")
        for login in logins:
            self.stdout.write(f"  {login.username:<20} {login.role:<8} {login.full_name}  {login.unit}")
        liaisons = User.objects.filter(username__regex=r"^staff\d{3}$").count()
        if liaisons:
            self.stdout.write(f"另有 {liaisons} 个单位联络员账号（staff + 单位排序号，如 staff100），密码相同。")

    def _summary(self) -> None:
        s = history_summary()
        self.stdout.write(
            f"  进展报告 {s['reports']} 份（逾期填报 {s['late_reports']} 份）；催办 {s['reminders']} 次；"
            f"督办 {s['escalations']} 次（已销号 {s['escalations_closed']} 次）；"
            f"办结申请 {s['completion_requests']} 份（同意 {s['completions_approved']}，退回 {s['completions_returned']}）；"
            f"延期 同意 {s['extensions_granted']}、不同意 {s['extensions_refused']}。"
        )
        if s["live_lights"]:
            lights = "，".join(f"{LIGHT_NAMES[key]} {count}" for key, count in s["live_lights"].items())
            self.stdout.write(f"  今年计划今日灯色：{lights}。")
