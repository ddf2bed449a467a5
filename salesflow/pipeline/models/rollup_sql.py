"""The SQL that keeps the funnel roll-up and each opportunity's furthest stage reached (``reached_order``), per
database: triggers (installed by migration pipeline 0011) and the bulk refill/rebuild, stated once here.

- The stage history sets ``reached_order``: a new move to a later stage raises it; a removed or edited move, and a
  stage given another order, recompute it from the history (the stage order edit only for the deals that entered
  that stage: the others' furthest stage is another one, whose order did not change).
- The funnel roll-up adds and takes away each opportunity by pipeline, stage, status, owner, team and furthest
  stage reached, so the conversion table (how many deals got at least that far, by status) is a sum of roll-up rows.
"""

# ruff: noqa: S608  (fixed SQL: table and column names only, no input)

ROLLUP = "pipeline_funnelrollup"
KEY = "pipeline_id, stage_id, status, owner_id, team_key, reached"
WATCHED = ["pipeline_id", "stage_id", "status", "owner_id", "team_id", "amount", "reached_order"]


def furthest(opportunity: str) -> str:
    """The furthest stage order the history of ``opportunity`` (an SQL expression of its id) has entered."""
    return (f'(SELECT MAX(s."order") FROM pipeline_stagechange c JOIN pipeline_stage s ON s.id = c.to_stage_id '
            f"WHERE c.opportunity_id = {opportunity})")


def recompute(opportunity: str) -> str:
    return f"UPDATE pipeline_opportunity SET reached_order = {furthest(opportunity)} WHERE id = {opportunity}"


def raise_to(row: str) -> str:  # a new move (NEW stage change row)
    order = f'(SELECT "order" FROM pipeline_stage WHERE id = {row}.to_stage_id)'
    return (f"UPDATE pipeline_opportunity SET reached_order = {order} WHERE id = {row}.opportunity_id "
            f"AND COALESCE(reached_order, 0) < {order}")


def stage_reordered() -> str:  # NEW: the stage row
    return (f"UPDATE pipeline_opportunity SET reached_order = {furthest('pipeline_opportunity.id')} WHERE id IN "
            "(SELECT opportunity_id FROM pipeline_stagechange WHERE to_stage_id = NEW.id)")


def add(row: str, sign: str) -> str:
    """Add (sign "+") or take away ("-") one opportunity ``row`` (NEW or OLD) to or from its roll-up row."""
    values = (f"{row}.pipeline_id, {row}.stage_id, {row}.status, COALESCE({row}.owner_id, 0), "
              f"COALESCE({row}.team_id, 0), COALESCE({row}.reached_order, 0)")
    return (f"INSERT INTO {ROLLUP} ({KEY}, n, amount) VALUES ({values}, {sign}1, {sign}{row}.amount) "
            f"ON CONFLICT ({KEY}) DO UPDATE SET n = {ROLLUP}.n + excluded.n, "
            f"amount = {ROLLUP}.amount + excluded.amount")


def key_of(row: str) -> str:
    return (f"({row}.pipeline_id, {row}.stage_id, {row}.status, COALESCE({row}.owner_id, 0), "
            f"COALESCE({row}.team_id, 0), COALESCE({row}.reached_order, 0))")


SQLITE = [
    f"CREATE TRIGGER opp_rollup_insert AFTER INSERT ON pipeline_opportunity BEGIN {add('NEW', '+')}; END",
    f"CREATE TRIGGER opp_rollup_update AFTER UPDATE OF {', '.join(WATCHED)} ON pipeline_opportunity BEGIN "
    f"{add('OLD', '-')}; {add('NEW', '+')}; END",
    f"CREATE TRIGGER opp_rollup_delete AFTER DELETE ON pipeline_opportunity BEGIN {add('OLD', '-')}; END",
    "CREATE TRIGGER opp_reached_insert AFTER INSERT ON pipeline_stagechange WHEN NEW.to_stage_id IS NOT NULL "
    f"BEGIN {raise_to('NEW')}; END",
    "CREATE TRIGGER opp_reached_delete AFTER DELETE ON pipeline_stagechange WHEN OLD.to_stage_id IS NOT NULL "
    f"BEGIN {recompute('OLD.opportunity_id')}; END",
    "CREATE TRIGGER opp_reached_update AFTER UPDATE OF opportunity_id, to_stage_id ON pipeline_stagechange "
    f"BEGIN {recompute('OLD.opportunity_id')}; {recompute('NEW.opportunity_id')}; END",
    'CREATE TRIGGER opp_reached_stage_order AFTER UPDATE OF "order" ON pipeline_stage '
    f'WHEN OLD."order" IS NOT NEW."order" BEGIN {stage_reordered()}; END',
]
SQLITE_TRIGGERS = ["opp_rollup_insert", "opp_rollup_update", "opp_rollup_delete", "opp_reached_insert",
                   "opp_reached_delete", "opp_reached_update", "opp_reached_stage_order"]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]

# PostgreSQL: the two roll-up rows of an update are touched in key order, so two transactions moving deals in
# opposite directions lock them in the same order (no deadlock).
POSTGRES = [
    f"""CREATE FUNCTION pipeline_funnel_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {add('NEW', '+')};
  ELSIF TG_OP = 'DELETE' THEN
    {add('OLD', '-')};
  ELSIF {key_of('OLD')} <= {key_of('NEW')} THEN
    {add('OLD', '-')};
    {add('NEW', '+')};
  ELSE
    {add('NEW', '+')};
    {add('OLD', '-')};
  END IF;
  RETURN NULL;
END $$""",
    f"CREATE TRIGGER opp_rollup AFTER INSERT OR DELETE OR UPDATE OF {', '.join(WATCHED)} ON pipeline_opportunity "
    "FOR EACH ROW EXECUTE FUNCTION pipeline_funnel_rollup()",
    f"""CREATE FUNCTION pipeline_opportunity_reached() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.to_stage_id IS NOT NULL THEN {raise_to('NEW')}; END IF;
  ELSIF TG_OP = 'DELETE' THEN
    IF OLD.to_stage_id IS NOT NULL THEN {recompute('OLD.opportunity_id')}; END IF;
  ELSIF OLD.opportunity_id IS DISTINCT FROM NEW.opportunity_id OR OLD.to_stage_id IS DISTINCT FROM NEW.to_stage_id
  THEN
    {recompute('OLD.opportunity_id')};
    {recompute('NEW.opportunity_id')};
  END IF;
  RETURN NULL;
END $$""",
    "CREATE TRIGGER opp_reached AFTER INSERT OR DELETE OR UPDATE ON pipeline_stagechange "
    "FOR EACH ROW EXECUTE FUNCTION pipeline_opportunity_reached()",
    f"""CREATE FUNCTION pipeline_stage_reordered() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD."order" IS DISTINCT FROM NEW."order" THEN {stage_reordered()}; END IF;
  RETURN NULL;
END $$""",
    'CREATE TRIGGER opp_reached_stage_order AFTER UPDATE OF "order" ON pipeline_stage '
    "FOR EACH ROW EXECUTE FUNCTION pipeline_stage_reordered()",
]
POSTGRES_TRIGGERS = [("opp_rollup", "pipeline_opportunity", "pipeline_funnel_rollup"),
                     ("opp_reached", "pipeline_stagechange", "pipeline_opportunity_reached"),
                     ("opp_reached_stage_order", "pipeline_stage", "pipeline_stage_reordered")]
POSTGRES_DROP = [sql for name, table, function in POSTGRES_TRIGGERS
                 for sql in (f"DROP TRIGGER IF EXISTS {name} ON {table}", f"DROP FUNCTION IF EXISTS {function}()")]

# The bulk forms of the same rules: every opportunity's furthest stage from its history, then the roll-up.
REFILL_REACHED = [
    "UPDATE pipeline_opportunity SET reached_order = r.m FROM (SELECT c.opportunity_id AS id, MAX(s.\"order\") AS m "
    "FROM pipeline_stagechange c JOIN pipeline_stage s ON s.id = c.to_stage_id GROUP BY c.opportunity_id) r "
    "WHERE r.id = pipeline_opportunity.id AND pipeline_opportunity.reached_order IS DISTINCT FROM r.m",
    "UPDATE pipeline_opportunity SET reached_order = NULL WHERE reached_order IS NOT NULL AND NOT EXISTS "
    "(SELECT 1 FROM pipeline_stagechange c WHERE c.opportunity_id = pipeline_opportunity.id "
    "AND c.to_stage_id IS NOT NULL)",
]
REBUILD = (f"INSERT INTO {ROLLUP} ({KEY}, n, amount) SELECT pipeline_id, stage_id, status, COALESCE(owner_id, 0), "
           "COALESCE(team_id, 0), COALESCE(reached_order, 0), COUNT(*), SUM(amount) FROM pipeline_opportunity "
           "GROUP BY pipeline_id, stage_id, status, COALESCE(owner_id, 0), COALESCE(team_id, 0), "
           "COALESCE(reached_order, 0)")


def install_triggers(schema_editor):
    for sql in {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)


def drop_triggers(schema_editor):
    for sql in {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)
