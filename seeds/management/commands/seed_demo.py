"""manage.py seed_demo: create the demo bureau, idempotently, and print the demo logins."""

from django.core.management.base import BaseCommand

from accounts.models import User
from seeds.demo import demo_password, seed_demo_directory
from seeds.plans import seed_demo_plans


class Command(BaseCommand):
    help = "创建演示数据（湖里区教育局及其科室、学校、幼儿园和各角色演示账号）；可重复运行。"

    def handle(self, *args, **options):
        created_units, created_users, logins = seed_demo_directory()
        self.stdout.write(f"单位：新建 {len(created_units)} 个；人员：新建 {len(created_users)} 个。")
        plans = seed_demo_plans(User.objects.get(username="admin"))
        self.stdout.write(f"工作计划：新建 {len(plans)} 份。")
        for plan in plans:
            self.stdout.write(f"  {plan.get_status_display()} {plan}：{plan.tasks.count()} 项任务")
        self.stdout.write(f"演示账号（密码均为 {demo_password()}）：")
        for login in logins:
            self.stdout.write(f"  {login.username:<20} {login.role:<8} {login.full_name}  {login.unit}")
