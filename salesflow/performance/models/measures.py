"""What a target or a KPI can measure: a named figure the system computes (``performance.figures``)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from salesflow.core.audit import AuditedModel

from .. import figures

__all__ = ["Measure"]


class Measure(AuditedModel):
    """A measure: a stable key (used in imports, the API and the CLI) mapped to a computed figure.

    The built-in measures (one per figure, key = figure) are created by migration; an administrator may add more,
    e.g. ``q_signed`` named "签约额（重点产品）" over the same figure, but never one that nothing computes."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60, blank=True,
                            help_text=_("Empty: the figure's own name, in the reader's language."))
    figure = models.CharField(_("figure"), max_length=40)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["id"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return self.name or str(figures.get(self.figure).label)

    @property
    def unit(self) -> str:
        return figures.get(self.figure).unit

    @property
    def is_amount(self) -> bool:
        return self.unit == figures.AMOUNT

    def clean(self):
        if self.figure not in figures.FIGURES:
            raise ValidationError({"figure": _("Choose a figure the system computes.")})
