"""manage.py runstack: run the web server, a Celery worker and Celery beat together in the foreground.

Output of each process is prefixed with its name. Ctrl-C (or SIGTERM) stops all three; if one
of them dies, the others are stopped too and the command exits with an error.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from seeds.demo import DEMO_USERS, demo_password


class Command(BaseCommand):
    help = "同时运行 Web 服务、Celery worker 和 Celery beat；Ctrl-C 全部停止。"

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="Web 服务地址，默认 127.0.0.1:8000")
        parser.add_argument("--reload", action="store_true", help="代码改动时自动重启 Web 服务（开发用）")
        parser.add_argument("--concurrency", type=int, default=2, help="worker 并发数")

    def handle(self, *args, addrport: str, reload: bool, concurrency: int, **options):
        python = sys.executable
        web = [python, "manage.py", "runserver", addrport]
        if not reload:
            web.append("--noreload")
        commands = {
            "web": web,
            "worker": [
                python,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-l",
                "INFO",
                "--concurrency",
                str(concurrency),
                "-n",
                "worker@%h",
            ],
            "beat": [
                python,
                "-m",
                "celery",
                "-A",
                "config",
                "beat",
                "-l",
                "INFO",
                "--scheduler",
                settings.CELERY_BEAT_SCHEDULER,
            ],
        }
        self.processes: dict[str, subprocess.Popen] = {}
        self.stopping = False
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._on_signal)
        try:
            for name, command in commands.items():
                process = subprocess.Popen(
                    command,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                    bufsize=1,
                    cwd=str(settings.BASE_DIR),
                )
                self.processes[name] = process
                threading.Thread(target=self._pump, args=(name, process), daemon=True).start()
            self._announce(addrport)
            while not self.stopping:
                for name, process in self.processes.items():
                    if process.poll() is not None:
                        self.stderr.write(f"[{name}] 已退出（退出码 {process.returncode}），正在停止其他进程…")
                        self._stop_all()
                        raise CommandError(f"{name} exited with code {process.returncode}")
                time.sleep(0.5)
        finally:
            self._stop_all()
        self.stdout.write("已全部停止。")

    def _pump(self, name: str, process: subprocess.Popen) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            sys.stdout.write(f"[{name:<6}] {line}")
            sys.stdout.flush()

    def _on_signal(self, signum, frame) -> None:
        self.stopping = True

    def _stop_all(self) -> None:
        self.stopping = True
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + 15
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def _announce(self, addrport: str) -> None:
        host, _, port = addrport.rpartition(":")
        host = host or "127.0.0.1"
        url = f"http://{host}:{port}/"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not self.stopping:
            try:
                urllib.request.urlopen(f"{url}accounts/login/", timeout=2).close()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        lines = [
            "",
            "=" * 64,
            f"  督查督办系统已启动：{url}",
            f"  健康检查：{url}healthz    管理后台：{url}admin/",
            f"  演示账号（密码均为 {demo_password()}）：",
            *[
                f"    {username:<20} {full_name}（{role.label}，{unit}）"
                for username, full_name, role, unit, _t in DEMO_USERS
            ],
            "  按 Ctrl-C 停止 Web、worker 和 beat。",
            "=" * 64,
            "",
        ]
        self.stdout.write("\n".join(lines))
