"""The commission calculation, as pure arithmetic over a plan's terms and a rep's records (the rules are stated once,
in ``performance.models.commission``). Statements and the what-if simulation both call :func:`calculate`; neither
this module nor the simulation writes anything."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

from salesflow.core.money import allocate, to_money

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Note:
    """A line's note as its message and parameters, so it is stored once and read in the reader's language (a
    parameter may itself be a Note). ``str()`` renders it in the active language; :meth:`data` is what is stored
    (``StatementLine.note_data``); :meth:`from_data` reads it back."""

    msgid: str
    params: tuple = ()

    @classmethod
    def of(cls, msgid: str, **params) -> "Note":
        return cls(msgid, tuple(sorted(params.items())))

    def __str__(self) -> str:
        text = gettext(self.msgid)
        if not self.params:
            return text.replace("%%", "%")
        return text % {key: str(value) for key, value in self.params}

    def __add__(self, other) -> "Note":
        return Note.of("%(a)s%(b)s", a=self, b=other)

    def data(self) -> dict:
        return {"m": self.msgid, "p": {k: v.data() if isinstance(v, Note) else str(v) for k, v in self.params}}

    @classmethod
    def from_data(cls, data: dict) -> "Note":
        return cls.of(data["m"], **{k: cls.from_data(v) if isinstance(v, dict) else v
                                    for k, v in data.get("p", {}).items()})


def plain(value: Decimal) -> str:
    """2.500 -> '2.5', 100.00 -> '100' (percentages and factors as a person writes them)."""
    return format(Decimal(value).normalize(), "f")


@dataclass(frozen=True)
class TierSpec:
    from_percent: Decimal
    to_percent: Decimal | None
    rate: Decimal
    tier_id: int | None = None

    @property
    def label(self) -> str:
        upper = f"{plain(self.to_percent)}%" if self.to_percent is not None else "∞"
        return f"{plain(self.from_percent)}%–{upper}"


@dataclass(frozen=True)
class PlanSpec:
    ote: Decimal  # per month
    base_percent: Decimal
    variable_percent: Decimal
    basis: str
    tiers: tuple[TierSpec, ...]
    cap_multiple: Decimal | None = None
    decelerator_below: Decimal | None = None
    decelerator_factor: Decimal = Decimal("0.5")
    measured_on: str = "own"  # own | team (the manager's team subtree)

    @classmethod
    def of(cls, plan) -> "PlanSpec":
        tiers = tuple(TierSpec(t.from_percent, t.to_percent, t.rate, t.pk) for t in plan.tiers.all())
        return cls(plan.ote, plan.base_percent, plan.variable_percent, plan.basis, tiers, plan.cap_multiple,
                   plan.decelerator_below, plan.decelerator_factor, plan.measured_on)


@dataclass(frozen=True)
class Record:
    """A row commission is paid on: an agreement (signed basis) or a payment (collected basis)."""

    day: object
    amount: Decimal
    label: Note | str
    agreement_id: int | None = None
    payment_id: int | None = None


@dataclass
class Line:
    kind: str  # base | record | cap | clawback
    commission: Decimal
    amount: Decimal = Decimal(0)
    day: object = None
    agreement_id: int | None = None
    payment_id: int | None = None
    tier_id: int | None = None
    tier_label: str = ""
    rate: Decimal | None = None
    note: Note | str = ""
    clawback_of_id: int | None = None


@dataclass
class Result:
    quota: Decimal | None
    basis_amount: Decimal
    attainment: Decimal | None
    base_pay: Decimal
    variable_target: Decimal
    decelerated: bool
    lines: list[Line] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.commission for line in self.lines), Decimal(0))

    @property
    def commission(self) -> Decimal:
        return self.total - self.base_pay


def _slices(tiers, quota: Decimal, start: Decimal, end: Decimal):
    """The parts of the cumulative span [start, end) that fall in each tier: (tier, amount), amount signed (a
    negative record walks back down). Tier bounds are rounded to the cent, so the parts add up to the record."""
    sign = 1 if end >= start else -1
    low_end, high_end = min(start, end), max(start, end)
    parts = []
    for index, tier in enumerate(tiers):
        # The first tier also takes a negative cumulative figure (more reversed than collected).
        low = low_end if index == 0 else to_money(quota * tier.from_percent / HUNDRED)
        high = high_end if tier.to_percent is None else to_money(quota * tier.to_percent / HUNDRED)
        a, b = max(low_end, low), min(high_end, high)
        if b > a:
            parts.append((tier, sign * (b - a)))
    return parts or [(tiers[0], Decimal(0))]


def calculate(spec: PlanSpec, *, period_months: int, quota: Decimal | None, records: list[Record],
              clawbacks: list[Line] = ()) -> Result:
    period_ote = to_money(spec.ote * period_months)
    base_pay, variable_target = allocate(period_ote, [spec.base_percent, spec.variable_percent])
    basis_amount = sum((r.amount for r in records), Decimal(0))
    has_quota = quota is not None and quota > 0
    exact = basis_amount / quota * HUNDRED if has_quota else None  # unrounded: 49.999% is below 50%
    attainment = exact.quantize(Decimal("0.01")) if has_quota else None
    decelerated = bool(has_quota and spec.decelerator_below is not None and exact < spec.decelerator_below)
    factor = spec.decelerator_factor if decelerated else Decimal(1)
    result = Result(quota if has_quota else None, basis_amount, attainment, base_pay, variable_target, decelerated)
    result.lines.append(Line("base", base_pay, note=Note.of(N_("Base pay (%(percent)s%% of on-target earnings)"),
                                                            percent=plain(spec.base_percent))))
    cumulative = Decimal(0)
    earned = Decimal(0)
    for record in records:
        common = {"day": record.day, "agreement_id": record.agreement_id, "payment_id": record.payment_id}
        if not has_quota:
            result.lines.append(Line("record", Decimal(0), record.amount, tier_label=gettext("No target set"),
                                     note=record.label, **common))
            continue
        for tier, amount in _slices(spec.tiers, quota, cumulative, cumulative + record.amount):
            rate = tier.rate * factor
            commission = to_money(amount * rate / HUNDRED)
            earned += commission
            note = record.label
            if decelerated:
                note = Note.of(N_("%(record)s; decelerator: attainment below %(threshold)s%%, rate × %(factor)s"),
                               record=record.label, threshold=plain(spec.decelerator_below),
                               factor=plain(spec.decelerator_factor))
            result.lines.append(Line("record", commission, amount, tier_id=tier.tier_id, tier_label=tier.label,
                                     rate=rate, note=note, **common))
        cumulative += record.amount
    if spec.cap_multiple is not None:
        cap = to_money(variable_target * spec.cap_multiple)
        if earned > cap:
            result.lines.append(Line("cap", cap - earned, note=Note.of(N_(
                "Cap: commission is at most %(multiple)s × the variable target (%(cap)s)"),
                multiple=plain(spec.cap_multiple), cap=cap)))
    result.lines.extend(clawbacks)
    return result
