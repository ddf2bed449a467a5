"""The SQL that keeps ``MonthlyMoney`` (see rollup.py): the triggers, per database, and the bulk rebuild — both
written from the one list of measures below, so a rule is stated once.

A measure of an agreement's children (payments, instalments, invoices) is a :class:`Child`: its table, the date
that places a row in a month, the value summed, which rows count and on which agreements. The triggers add
(sign "+") or take away ("-") a record's contribution in the statement that writes it; a roll-up row that falls to
zero is deleted by ``core.rollups``' trigger."""

from dataclasses import dataclass, replace

# ruff: noqa: S608  (fixed SQL: table and column names only, no input)

TABLE = "contracts_monthlymoney"
KEY = "measure, month, owner_id, team_key, region_id, series"
NOT_SIGNED = "('draft', 'pending')"  # Agreement.Status DRAFT, PENDING (receivables.selectors.NOT_SIGNED)
RECEIVABLE = "('active', 'completed')"  # receivables.selectors.RECEIVABLE
ANY_REGION = "_any_region"  # a measure's twin not split by region: a year of a figure by owner in a few thousand rows


@dataclass(frozen=True)
class Child:
    measure: str
    table: str
    day: str  # the column that places a row in a month
    value: str = "{c}.amount"  # the summed value, of the row {c}
    where: str = ""  # which rows count ("AND ..." on {c})
    on_agreements: str = ""  # which agreements' rows count ("AND ..." on {a})
    columns: tuple = ()  # the row's columns these depend on, beside agreement_id, the day and amount
    regional: bool = True  # False: the rows are not split by region (region_id 0), fewer roll-up rows
    daily: bool = False  # True: a row per day (the roll-up's "month" holds the day itself), not per month

    def placed(self, c, vendor):
        """SQL of the roll-up date of the row ``{c}``: the month of its day, or the day (``daily``)."""
        return f"{c}.{self.day}" if self.daily else month(f"{c}.{self.day}", vendor)

    def value_of(self, c):
        return self.value.format(c=c)

    def rows_where(self, c, a):
        return f"{self.where.format(c=c)} {self.on_agreements.format(a=a)}"


CHILDREN = (
    Child("collected", "contracts_payment", "received_on"),
    Child("due", "contracts_instalment", "due_on"),
    Child("invoiced", "contracts_invoice", "issued_on", where="AND {c}.status = 'issued' AND {c}.issued_on IS NOT NULL",
          columns=("status",)),
    # what is still to be collected, by the month it falls due (the receivables ageing): the open part of each
    # instalment of an active or completed agreement
    Child("open", "contracts_instalment", "due_on", value="{c}.amount - {c}.collected_amount",
          where="AND {c}.collected_amount < {c}.amount", on_agreements=f"AND {{a}}.status IN {RECEIVABLE}",
          columns=("collected_amount",), regional=False),
    # what the payment plan of those agreements asks, by the month it falls due: the collection forecast's plan
    # (what is already collected on it is planned − open)
    Child("planned", "contracts_instalment", "due_on", on_agreements=f"AND {{a}}.status IN {RECEIVABLE}",
          regional=False),
)
CHILDREN += tuple(replace(c, measure=c.measure + ANY_REGION, regional=False) for c in CHILDREN
                  if c.measure in ("collected", "due", "invoiced"))
# ``open`` by the day it falls due: the ageing sums the (at most four) months a bucket edge cuts from these rows
CHILDREN += tuple(replace(c, measure="open_by_day", daily=True) for c in CHILDREN if c.measure == "open")
CHILD_TABLES = sorted({c.table for c in CHILDREN})
# an agreement's columns its own money (signed), its lines' and its children's depend on
AGREEMENT_SIGNED = ["status", "signed_on", "owner_id", "team_id", "region_id", "amount"]
AGREEMENT_LINES = ["status", "signed_on", "owner_id", "team_id", "region_id"]
AGREEMENT_CHILDREN = ["status", "owner_id", "team_id", "region_id"]
LINE_COLUMNS = ["agreement_id", "product_id", "amount"]


def child_columns(table):
    columns = ["agreement_id", "amount"]
    for child in CHILDREN:
        if child.table == table:
            columns += [child.day, *child.columns]
    return list(dict.fromkeys(columns))


def month(column, vendor):
    if vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


def who(row, regional=True):
    region = f"COALESCE({row}.region_id, 0)" if regional else "0"
    return f"COALESCE({row}.owner_id, 0), COALESCE({row}.team_id, 0), {region}"


def upsert(select):
    return (f"INSERT INTO {TABLE} ({KEY}, n, value) {select} ON CONFLICT ({KEY}) DO UPDATE SET "
            f"n = {TABLE}.n + excluded.n, value = {TABLE}.value + excluded.value")


# --- what one write adds or takes away ------------------------------------------------------------------------

def signed(a, sign, vendor):  # an agreement row (NEW / OLD) itself, by region and not
    return [upsert(f"SELECT '{measure}', {month(a + '.signed_on', vendor)}, {who(a, regional)}, '', {sign}1, "
                   f"{sign}{a}.amount WHERE {a}.status NOT IN {NOT_SIGNED}")
            for measure, regional in (("signed", True), ("signed" + ANY_REGION, False))]


def lines_of(a, sign, vendor):  # an agreement's lines, where it is signed
    return upsert(f"SELECT 'product_lines', {month(a + '.signed_on', vendor)}, {who(a)}, COALESCE(p.series, ''), "
                  f"{sign}COUNT(*), {sign}SUM(l.amount) FROM contracts_agreementline l "
                  f"LEFT JOIN catalog_product p ON p.id = l.product_id "
                  f"WHERE l.agreement_id = {a}.id AND {a}.status NOT IN {NOT_SIGNED} GROUP BY COALESCE(p.series, '') "
                  "ORDER BY COALESCE(p.series, '')")


def children_of(a, sign, vendor):  # an agreement's payments, instalments and invoices
    return [upsert(f"SELECT '{c.measure}', {c.placed('c', vendor)}, {who(a, c.regional)}, '', {sign}COUNT(*), "
                   f"{sign}SUM({c.value_of('c')}) FROM {c.table} c WHERE c.agreement_id = {a}.id "
                   f"{c.rows_where('c', a)} GROUP BY 2 ORDER BY 2")
            for c in CHILDREN]


def child(table, row, sign, vendor):  # one payment, instalment or invoice row
    return [upsert(f"SELECT '{c.measure}', {c.placed(row, vendor)}, {who('a', c.regional)}, '', {sign}1, "
                   f"{sign}({c.value_of(row)}) FROM contracts_agreement a WHERE a.id = {row}.agreement_id "
                   f"{c.rows_where(row, 'a')}")
            for c in CHILDREN if c.table == table]


def line(row, sign, vendor):  # one agreement line
    return upsert(f"SELECT 'product_lines', {month('a.signed_on', vendor)}, {who('a')}, "
                  f"COALESCE((SELECT p.series FROM catalog_product p WHERE p.id = {row}.product_id), ''), "
                  f"{sign}1, {sign}{row}.amount FROM contracts_agreement a "
                  f"WHERE a.id = {row}.agreement_id AND a.status NOT IN {NOT_SIGNED}")


def product_lines(row, sign, vendor):  # every signed line of a product (OLD / NEW: its series before and after)
    return upsert(f"SELECT 'product_lines', {month('a.signed_on', vendor)}, {who('a')}, COALESCE({row}.series, ''), "
                  f"{sign}COUNT(*), {sign}SUM(l.amount) FROM contracts_agreementline l "
                  f"JOIN contracts_agreement a ON a.id = l.agreement_id "
                  f"WHERE l.product_id = {row}.id AND a.status NOT IN {NOT_SIGNED} "
                  f"GROUP BY {month('a.signed_on', vendor)}, a.owner_id, a.team_id, a.region_id "
                  f"ORDER BY {month('a.signed_on', vendor)}, a.owner_id, a.team_id, a.region_id")


def changed(columns, vendor):
    op = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    return " OR ".join(f"OLD.{c} {op} NEW.{c}" for c in columns)


# --- the triggers ---------------------------------------------------------------------------------------------

SQLITE_TRIGGERS = ["money_agreement_insert", "money_agreement_delete", "money_agreement_update",
                   "money_agreement_update_lines", "money_agreement_update_owner", "money_line_insert",
                   "money_line_delete", "money_line_update", "money_product_series"] + [
    f"money_{t.removeprefix('contracts_')}_{event}" for t in CHILD_TABLES for event in ("insert", "delete", "update")]
POSTGRES_TRIGGERS = [("money_agreement", "contracts_agreement"), ("money_line", "contracts_agreementline"),
                     ("money_product", "catalog_product")] + [
    (f"money_{t.removeprefix('contracts_')}", t) for t in CHILD_TABLES]


def sqlite_triggers():
    v = "sqlite"

    def trigger(name, event, body, when=""):
        when = f" WHEN {when}" if when else ""
        return f"CREATE TRIGGER {name} AFTER {event}{when} BEGIN {'; '.join(body)}; END"

    result = [
        trigger("money_agreement_insert", "INSERT ON contracts_agreement", signed("NEW", "+", v)),
        trigger("money_agreement_delete", "DELETE ON contracts_agreement",
                [*signed("OLD", "-", v), lines_of("OLD", "-", v), *children_of("OLD", "-", v)]),
        trigger("money_agreement_update", f"UPDATE OF {', '.join(AGREEMENT_SIGNED)} ON contracts_agreement",
                [*signed("OLD", "-", v), *signed("NEW", "+", v)], changed(AGREEMENT_SIGNED, v)),
        trigger("money_agreement_update_lines", f"UPDATE OF {', '.join(AGREEMENT_LINES)} ON contracts_agreement",
                [lines_of("OLD", "-", v), lines_of("NEW", "+", v)], changed(AGREEMENT_LINES, v)),
        trigger("money_agreement_update_owner", f"UPDATE OF {', '.join(AGREEMENT_CHILDREN)} ON contracts_agreement",
                [*children_of("OLD", "-", v), *children_of("NEW", "+", v)], changed(AGREEMENT_CHILDREN, v)),
        trigger("money_line_insert", "INSERT ON contracts_agreementline", [line("NEW", "+", v)]),
        trigger("money_line_delete", "DELETE ON contracts_agreementline", [line("OLD", "-", v)]),
        trigger("money_line_update", f"UPDATE OF {', '.join(LINE_COLUMNS)} ON contracts_agreementline",
                [line("OLD", "-", v), line("NEW", "+", v)], changed(LINE_COLUMNS, v)),
        trigger("money_product_series", "UPDATE OF series ON catalog_product",
                [product_lines("OLD", "-", v), product_lines("NEW", "+", v)], changed(["series"], v)),
    ]
    for table in CHILD_TABLES:
        short, columns = table.removeprefix("contracts_"), child_columns(table)
        result += [
            trigger(f"money_{short}_insert", f"INSERT ON {table}", child(table, "NEW", "+", v)),
            trigger(f"money_{short}_delete", f"DELETE ON {table}", child(table, "OLD", "-", v)),
            trigger(f"money_{short}_update", f"UPDATE OF {', '.join(columns)} ON {table}",
                    [*child(table, "OLD", "-", v), *child(table, "NEW", "+", v)], changed(columns, v)),
        ]
    return result


def postgres_triggers():
    v = "postgresql"

    def function(name, table, insert, delete, update):
        body = (f"IF TG_OP = 'INSERT' THEN {'; '.join(insert)};\n  ELSIF TG_OP = 'DELETE' THEN {'; '.join(delete)};"
                f"\n  ELSE\n{update}\n  END IF;")
        return [f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  {body}\n  RETURN NULL;"
                f"\nEND $$",
                f"CREATE TRIGGER {name} AFTER INSERT OR DELETE OR UPDATE ON {table} FOR EACH ROW "
                f"EXECUTE FUNCTION {name}()"]

    def when(columns, body):
        return f"    IF {changed(columns, v)} THEN {'; '.join(body)}; END IF;"

    def side(row):  # the part of a roll-up key that an agreement's owner, team and region set
        return f"(COALESCE({row}.owner_id, 0), COALESCE({row}.team_id, 0), COALESCE({row}.region_id, 0))"

    def sides(row, sign):
        return "\n".join([when(AGREEMENT_SIGNED, signed(row, sign, v)),
                          when(AGREEMENT_LINES, [lines_of(row, sign, v)]),
                          when(AGREEMENT_CHILDREN, children_of(row, sign, v))])

    # An agreement moving between people: the side with the lower key first (each statement in key order), so two
    # transactions moving agreements in opposite directions lock the roll-up rows in the same order (no deadlock).
    away, to = sides("OLD", "-"), sides("NEW", "+")
    result = function("money_agreement", "contracts_agreement", signed("NEW", "+", v),
                      [*signed("OLD", "-", v), lines_of("OLD", "-", v), *children_of("OLD", "-", v)],
                      f"  IF {side('OLD')} <= {side('NEW')} THEN\n{away}\n{to}\n  ELSE\n{to}\n{away}\n  END IF;")
    result += function("money_line", "contracts_agreementline", [line("NEW", "+", v)], [line("OLD", "-", v)],
                       when(LINE_COLUMNS, [line("OLD", "-", v), line("NEW", "+", v)]))
    result += [f"CREATE FUNCTION money_product() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
               f"{when(['series'], [product_lines('OLD', '-', v), product_lines('NEW', '+', v)])}\n  RETURN NULL;"
               f"\nEND $$",
               "CREATE TRIGGER money_product AFTER UPDATE OF series ON catalog_product FOR EACH ROW "
               "EXECUTE FUNCTION money_product()"]
    for table in CHILD_TABLES:
        name = f"money_{table.removeprefix('contracts_')}"
        result += function(name, table, child(table, "NEW", "+", v), child(table, "OLD", "-", v),
                           when(child_columns(table), [*child(table, "OLD", "-", v), *child(table, "NEW", "+", v)]))
    return result


def install_triggers(schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": sqlite_triggers, "postgresql": postgres_triggers}.get(vendor, list)():
        schema_editor.execute(sql, params=None)


def drop_triggers(schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)
    elif vendor == "postgresql":
        for name, table in POSTGRES_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}", params=None)
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()", params=None)


def add_measures(schema_editor, measures):
    """For a migration that adds ``measures``: the triggers anew, then those measures' rows from the records."""
    drop_triggers(schema_editor)
    install_triggers(schema_editor)
    for measure in measures:
        schema_editor.execute(f"DELETE FROM {TABLE} WHERE measure = '{measure}'", params=None)
    for sql in rebuild_sql(schema_editor.connection.vendor, measures=measures):
        schema_editor.execute(sql, params=None)


# --- the rebuild: the same rules, in bulk ---------------------------------------------------------------------

def rebuild_sql(vendor, measures=None) -> list[str]:
    """The statements that fill the roll-up from the records (every measure, or those named)."""
    insert = f"INSERT INTO {TABLE} ({KEY}, n, value) "
    is_signed = f"a.status NOT IN {NOT_SIGNED}"
    statements = {
        **{measure: insert + f"SELECT '{measure}', {month('a.signed_on', vendor)}, {who('a', regional)}, '', "
                             f"COUNT(*), SUM(a.amount) FROM contracts_agreement a WHERE {is_signed} GROUP BY 2, 3, 4, 5"
           for measure, regional in (("signed", True), ("signed" + ANY_REGION, False))},
        "product_lines": insert + f"SELECT 'product_lines', {month('a.signed_on', vendor)}, {who('a')}, "
                                  "COALESCE(p.series, ''), COUNT(*), SUM(l.amount) FROM contracts_agreementline l "
                                  "JOIN contracts_agreement a ON a.id = l.agreement_id "
                                  "LEFT JOIN catalog_product p ON p.id = l.product_id "
                                  f"WHERE {is_signed} GROUP BY 2, 3, 4, 5, 6",
    }
    for c in CHILDREN:
        statements[c.measure] = insert + (
            f"SELECT '{c.measure}', {c.placed('c', vendor)}, {who('a', c.regional)}, '', COUNT(*), "
            f"SUM({c.value_of('c')}) "
            f"FROM {c.table} c JOIN contracts_agreement a ON a.id = c.agreement_id "
            f"WHERE 1 = 1 {c.rows_where('c', 'a')} GROUP BY 2, 3, 4, 5")
    return [sql for measure, sql in statements.items() if measures is None or measure in measures]
