"""DSO on generated data: the grouped SQL equals the same figures added up agreement by agreement."""

import datetime
from decimal import Decimal as D

import pytest
from django.utils import timezone
from django.utils.translation import gettext

from salesflow.contracts.models import Agreement, Payment
from salesflow.contracts.receivables import selectors
from salesflow.org.models import Region, Team, User
from salesflow.testing.generated import generated_data


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    with generated_data(django_db_blocker, scale=300):
        yield


@pytest.mark.parametrize("days_back", [0, 45, 200])
def test_dso_equals_the_sum_over_each_agreement(generated, db, days_back):
    """Per team, rep and region: receivable on the day (open now + paid after it) and signed in the 90 days to it,
    added up agreement by agreement in Python."""
    as_of = timezone.localdate() - datetime.timedelta(days=days_back)
    since = as_of - datetime.timedelta(days=89)
    for user in (User.objects.get(username="director"), User.objects.filter(role="manager").order_by("pk").first()):
        visible = Agreement.objects.visible_to(user).filter(status__in=selectors.RECEIVABLE, signed_on__lte=as_of)
        for by, attribute in (("team", "team_id"), ("rep", "owner_id"), ("region", "region_id")):
            expected: dict = {}
            for agreement in visible:
                later = sum((p.amount for p in Payment.objects.filter(agreement=agreement, received_on__gt=as_of)),
                            D(0))
                receivable = agreement.amount - agreement.collected_amount + later
                signed = agreement.amount if agreement.signed_on >= since else D(0)
                if receivable or signed:
                    entry = expected.setdefault(getattr(agreement, attribute), [D(0), D(0)])
                    entry[0] += receivable
                    entry[1] += signed
            result = selectors.dso(user, as_of, by=by)
            assert {r["key"]: [r["receivable"], r["signed"]] for r in result["rows"]} == expected, (user, by)
            names = {"team": {t.pk: t.name for t in Team.objects.all()},
                     "region": {r.pk: r.name for r in Region.objects.all()},
                     "rep": {u.pk: u.display_name or u.username for u in User.objects.all()}}[by]
            unnamed = {"team": gettext("No team"), "region": gettext("No region"), "rep": "—"}[by]
            assert {r["key"]: r["label"] for r in result["rows"]} == {k: names.get(k, unnamed) for k in expected}
            assert result["total"]["receivable"] == sum(e[0] for e in expected.values()) > 0
            dsos = [r["dso"] for r in result["rows"] if r["dso"] is not None]
            assert dsos == sorted(dsos, reverse=True) and (days_back == 200 or dsos)

