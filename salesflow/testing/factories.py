"""Test data builders (plain functions; no mocks). Import them in tests or use the fixtures in conftest.py."""

import itertools

from salesflow.org.models import DEFAULT_SCOPE, Region, Role, Team, User

PASSWORD = "correct-horse-battery"  # noqa: S105  (test data)
_seq = itertools.count(1)
_password_hash: list[str] = []


def password_hash() -> str:
    """Hash the test password once per run: the real hasher is deliberately slow."""
    if not _password_hash:
        from django.contrib.auth.hashers import make_password

        _password_hash.append(make_password(PASSWORD))
    return _password_hash[0]


def make_team(name=None, parent=None, **extra) -> Team:
    return Team.objects.create(name=name or f"Team {next(_seq)}", parent=parent, **extra)


def make_region(name=None, parent=None, **extra) -> Region:
    return Region.objects.create(name=name or f"Region {next(_seq)}", parent=parent, **extra)


def make_user(username=None, *, role=Role.REP, team=None, scope=None, **extra) -> User:
    user = User(
        username=username or f"user{next(_seq)}", role=role, team=team,
        scope=scope or DEFAULT_SCOPE[Role(role)], is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN,
        **extra,
    )
    user.password = password_hash()
    user.save()
    return user


def make_customer(owner=None, **extra):
    from salesflow.customers.models import Customer

    extra.setdefault("name", f"客户{next(_seq)}有限公司")
    return Customer.objects.create(owner=owner, team=owner.team if owner else None, **extra)


def customer_form_data(customer, **changes) -> dict:
    """The POST body of the customer edit form for ``customer``, with ``changes`` applied."""
    from django.forms.models import model_to_dict

    from salesflow.customers.forms import CustomerForm

    data = model_to_dict(customer, fields=CustomerForm.Meta.fields)
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["tags"] = [t.pk for t in data.get("tags", [])]
    data["version"] = customer.version
    data.update(changes)
    return data
