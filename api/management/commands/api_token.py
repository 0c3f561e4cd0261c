"""manage.py api_token issue|revoke|list: API tokens for integrations."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role, User
from api.models import ApiToken, TokenScope, WebhookEvent
from api.services import api_token_issue, api_token_revoke
from api.webhooks import webhook_endpoint_create
from plans.services.errors import WorkflowError


class Command(BaseCommand):
    help = "管理接口令牌：issue 为账号签发（令牌只显示这一次），revoke 吊销，list 列出，webhook 设置推送地址。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue", help="签发令牌")
        issue.add_argument("--user", required=True, help="令牌所属账号（用户名）；令牌看到和能做的与该账号相同")
        issue.add_argument("--name", required=True, help="令牌名称，如 市教育局OA对接")
        issue.add_argument("--scope", choices=TokenScope.values, default=TokenScope.READ)
        issue.add_argument("--rate", default="", help="调用频率上限，如 120/min")
        revoke = sub.add_parser("revoke", help="吊销令牌")
        revoke.add_argument("prefix", help="令牌前缀（list 中显示）")
        sub.add_parser("list", help="列出令牌")
        hook = sub.add_parser("webhook", help="为令牌设置推送地址（签名密钥只显示这一次）")
        hook.add_argument("prefix", help="令牌前缀")
        hook.add_argument("--url", required=True, help="对接系统接收推送的地址")
        hook.add_argument(
            "--events",
            default=",".join(WebhookEvent.values),
            help=f"逗号分隔，默认全部：{','.join(WebhookEvent.values)}",
        )

    def handle(self, *args, action: str, **options):
        admin = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
        if admin is None:
            raise CommandError("需要一个系统管理员账号来签发或吊销令牌。")
        try:
            if action == "issue":
                user = User.objects.filter(username=options["user"]).first()
                if user is None:
                    raise CommandError(f"找不到账号：{options['user']}")
                token, key = api_token_issue(
                    actor=admin, user=user, name=options["name"], scope=options["scope"], rate=options["rate"]
                )
                self.stdout.write(
                    f"已签发 {token}（{token.get_scope_display()}，账号 {user.username}）。令牌只显示这一次："
                )
                self.stdout.write(key)
            elif action == "revoke":
                token = ApiToken.objects.filter(prefix=options["prefix"]).first()
                if token is None:
                    raise CommandError(f"找不到令牌：{options['prefix']}")
                api_token_revoke(actor=admin, token=token)
                self.stdout.write(f"已吊销 {token}。")
            elif action == "webhook":
                token = ApiToken.objects.filter(prefix=options["prefix"], revoked_at__isnull=True).first()
                if token is None:
                    raise CommandError(f"找不到有效的令牌：{options['prefix']}")
                events = [event.strip() for event in options["events"].split(",") if event.strip()]
                endpoint, secret = webhook_endpoint_create(actor=admin, token=token, url=options["url"], events=events)
                self.stdout.write(f"已设置推送 {endpoint}（{'、'.join(endpoint.events)}）。签名密钥只显示这一次：")
                self.stdout.write(secret)
            else:
                for token in ApiToken.objects.select_related("user"):
                    state = "已吊销" if token.revoked_at else "有效"
                    self.stdout.write(f"{token.prefix}  {token.name}  {token.user.username}  {token.scope}  {state}")
        except WorkflowError as exc:
            raise CommandError(str(exc)) from exc
