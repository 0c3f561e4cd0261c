"""Liveness records of the background processes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """The last time a named background process proved it was alive by running a task."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    hostname = models.CharField(_("执行进程"), max_length=200, blank=True)
    beats = models.PositiveBigIntegerField(_("次数"), default=0)
    last_seen_at = models.DateTimeField(_("最近一次"))

    class Meta:
        verbose_name = _("运行心跳")
        verbose_name_plural = _("运行心跳")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
