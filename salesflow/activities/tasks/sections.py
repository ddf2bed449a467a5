"""The open tasks of a customer on its 360 page (``core.registry.customer_sections``)."""

from django.template.loader import render_to_string
from django.utils import timezone

from salesflow.core.registry import customer_sections
from salesflow.org import access

from ..models import Task

SECTION_ROWS = 20


@customer_sections.register("tasks", "open tasks of the customer", order=26)
def tasks_section(request, customer):
    if not access.can_create_pipeline_records(request.user):
        return ""
    tasks = list(Task.objects.visible_to(request.user).open().filter(customer=customer)
                 .select_related("owner").order_by("due_at", "id")[:SECTION_ROWS + 1])
    return render_to_string("activities/tasks/customer_section.html", {
        "tasks": tasks[:SECTION_ROWS], "more": len(tasks) > SECTION_ROWS, "customer": customer, "now": timezone.now(),
    })  # no request: the section needs no context processor (the bell's count would be one more query)
