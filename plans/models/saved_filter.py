"""A person's saved filters of the review list (督查台)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import clock


class SavedFilter(models.Model):
    """A named filter of the review list: the query string as it stood when saved."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("所有人"), on_delete=models.CASCADE, related_name="saved_filters"
    )
    name = models.CharField(_("名称"), max_length=60)
    query = models.CharField(_("筛选条件"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("保存时间"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("常用筛选")
        verbose_name_plural = _("常用筛选")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="saved_filter_name_unique_per_owner")]

    def __str__(self) -> str:
        return self.name
