"""Admin page: document numbering rules (pattern and when the counter restarts) per document kind."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from salesflow.contracts.models import NumberingRule
from salesflow.org import access
from salesflow.org.models import Role

from .forms import NumberingRuleForm
from .numbering import DEFAULT_PATTERNS, DEFAULT_RESET, format_number


@login_required
def numbering_settings(request):
    access.require_role(request.user, Role.ADMIN)
    rules = {rule.kind: rule for rule in NumberingRule.objects.all()}
    forms = []
    for kind in NumberingRule.Kind:
        rule = rules.get(kind) or NumberingRule(kind=kind, pattern=DEFAULT_PATTERNS[kind], reset=DEFAULT_RESET)
        forms.append(NumberingRuleForm(request.POST or None, instance=rule, prefix=kind.value))
    if request.method == "POST" and all(form.is_valid() for form in forms):
        with transaction.atomic():
            for form in forms:
                if form.has_changed() or form.instance.pk is None:
                    form.save()
        messages.success(request, _("Numbering rules saved. New documents use them; numbers already given stay."))
        return redirect("contracts:numbering-settings")
    import datetime

    today = datetime.date.today()
    rows = [{"form": f, "example": format_number(f.instance.pattern, today, 1) if f.instance.pattern else ""}
            for f in forms]
    return render(request, "contracts/numbering_settings.html", {"rows": rows},
                  status=400 if request.method == "POST" else 200)
