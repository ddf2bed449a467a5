import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from salesflow.activities.models import Task
from salesflow.activities.tasks.services import (
    cancel_task,
    complete_task,
    create_task,
    reopen_task,
    update_task,
)
from salesflow.activities.tests.factories import make_task
from salesflow.core.concurrency import StaleEditError
from salesflow.core.models import AuditEntry, Notification
from salesflow.testing.factories import make_customer

TOMORROW = datetime.timedelta(days=1)


def test_task_assigned_by_a_manager_notifies_the_assignee_but_ones_own_task_does_not(org):
    task = create_task(actor=org.manager_east, owner=org.rep_a,
                       data={"title": "回访王总", "due_at": timezone.now() + TOMORROW})
    note = Notification.objects.get(recipient=org.rep_a)
    assert "回访王总" in note.text and note.url == f"/activities/tasks/{task.pk}/"
    create_task(actor=org.rep_a, data={"title": "自己的", "due_at": timezone.now() + TOMORROW})
    assert Notification.objects.filter(recipient=org.rep_a).count() == 1


def test_finance_cannot_create_tasks(org):
    with pytest.raises(PermissionDenied):
        create_task(actor=org.finance, data={"title": "x", "due_at": timezone.now() + TOMORROW})


def test_task_cannot_link_an_invisible_customer(org):
    with pytest.raises(ValidationError) as error:
        create_task(actor=org.rep_a, data={"title": "x", "due_at": timezone.now() + TOMORROW,
                                           "customer": make_customer(org.rep_b)})
    assert "customer" in error.value.message_dict
    assert not Task.objects.exists()


def test_update_task_changes_fields_bumps_version_and_is_audited(org):
    task = make_task(org.rep_a)
    updated = update_task(task, actor=org.rep_a, version=task.version,
                          data={"title": "改期回电", "priority": Task.Priority.URGENT})
    assert (updated.title, updated.priority, updated.version) == ("改期回电", 4, task.version + 1)
    entry = AuditEntry.objects.filter(object_id=str(task.pk), action="update").latest("id")
    assert entry.changes["title"] == ["回电客户", "改期回电"]


def test_update_with_a_stale_version_is_refused(org):
    task = make_task(org.rep_a)
    update_task(task, actor=org.rep_a, version=task.version, data={"title": "第一次"})
    with pytest.raises(StaleEditError):
        update_task(task, actor=org.manager_east, version=task.version, data={"title": "第二次"})
    assert Task.objects.get(pk=task.pk).title == "第一次"


def test_reassigning_only_inside_the_actors_subtree_and_the_new_assignee_is_notified(org):
    task = make_task(org.rep_a)
    moved = update_task(task, actor=org.manager_east, version=task.version, data={"owner": org.rep_a2})
    assert (moved.owner, moved.team_id) == (org.rep_a2, org.east1.pk)
    assert Notification.objects.filter(recipient=org.rep_a2, kind="task-assigned").count() == 1
    with pytest.raises(PermissionDenied):
        update_task(moved, actor=org.manager_east, version=moved.version, data={"owner": org.rep_b})
    with pytest.raises(PermissionDenied):
        update_task(moved, actor=org.rep_a2, version=moved.version, data={"owner": org.rep_a})


def test_only_the_assignee_or_their_overseers_change_a_task(org):
    task = make_task(org.rep_a)
    for outsider in (org.rep_a2, org.rep_b, org.manager_west, org.finance):
        with pytest.raises(PermissionDenied):
            complete_task(task, actor=outsider)
        with pytest.raises(PermissionDenied):
            update_task(task, actor=outsider, version=task.version, data={"title": "x"})
    assert complete_task(task, actor=org.director).status == Task.Status.DONE


def test_done_sets_done_at_reopen_clears_it_and_cancel_only_from_open(org):
    task = make_task(org.rep_a)
    done = complete_task(task, actor=org.rep_a, version=task.version)
    assert done.status == Task.Status.DONE and done.done_at is not None
    with pytest.raises(ValidationError):
        complete_task(done, actor=org.rep_a)
    with pytest.raises(ValidationError):
        cancel_task(done, actor=org.rep_a)
    reopened = reopen_task(done, actor=org.rep_a)
    assert reopened.status == Task.Status.OPEN and reopened.done_at is None
    cancelled = cancel_task(reopened, actor=org.manager_east)
    assert cancelled.status == Task.Status.CANCELLED
    assert AuditEntry.objects.filter(object_id=str(task.pk), action="update").count() == 3  # done, reopened, cancelled


def test_completing_with_a_stale_version_is_refused(org):
    task = make_task(org.rep_a)
    update_task(task, actor=org.rep_a, version=task.version, data={"notes": "x"})
    with pytest.raises(StaleEditError):
        complete_task(task, actor=org.rep_a, version=task.version)
    assert Task.objects.get(pk=task.pk).status == Task.Status.OPEN
