"""Time spent in stages, from consecutive StageChange rows (a window function, in the database)."""

from django.db import connection

from ..models import StageChange


def _days_between(later: str, earlier: str) -> str:
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM ({later} - {earlier})) / 86400.0"
    return f"(julianday({later}) - julianday({earlier}))"


def stage_intervals_sql(opportunities) -> tuple[str, list]:
    """SQL yielding (stage_id, days) for every finished stay of a visible opportunity in a stage."""
    ids_sql, params = opportunities.order_by().values("id").query.sql_with_params()
    table = StageChange._meta.db_table
    sql = f"""
        SELECT to_stage_id AS stage_id, {_days_between("next_at", "changed_at")} AS days FROM (
            SELECT to_stage_id, to_status, changed_at,
                   LEAD(changed_at) OVER (PARTITION BY opportunity_id ORDER BY changed_at, id) AS next_at
            FROM {table} WHERE opportunity_id IN ({ids_sql})
        ) stays WHERE next_at IS NOT NULL AND to_status = 'tracking'
    """  # noqa: S608  (our own compiled SQL; values are parameters)
    return sql, list(params)


def average_days_per_stage(opportunities) -> dict[int, float]:
    sql, params = stage_intervals_sql(opportunities)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT stage_id, AVG(days), COUNT(*) FROM ({sql}) t GROUP BY stage_id", params)  # noqa: S608  (our own compiled SQL; values are parameters)
        return {stage_id: round(float(avg), 1) for stage_id, avg, _n in cursor.fetchall()}


def percentiles_per_stage(opportunities, quantiles=(0.8, 0.95), min_count=10) -> dict[int, list[float]]:
    """Per stage with at least ``min_count`` past stays, the durations (days) at the given quantiles."""
    sql, params = stage_intervals_sql(opportunities)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            parts = ", ".join(f"percentile_cont({q}) WITHIN GROUP (ORDER BY days)" for q in quantiles)
            cursor.execute(f"SELECT stage_id, {parts} FROM ({sql}) t GROUP BY stage_id HAVING COUNT(*) >= %s",  # noqa: S608
                           [*params, min_count])
            return {row[0]: [float(v) for v in row[1:]] for row in cursor.fetchall()}
        cursor.execute(f"SELECT stage_id, days FROM ({sql}) t ORDER BY stage_id, days", params)  # noqa: S608  (our own compiled SQL; values are parameters)
        by_stage: dict[int, list[float]] = {}
        for stage_id, days in cursor.fetchall():
            by_stage.setdefault(stage_id, []).append(float(days))
    return {s: [_quantile(values, q) for q in quantiles] for s, values in by_stage.items() if len(values) >= min_count}


def _quantile(sorted_values: list[float], q: float) -> float:
    """Linear interpolation, the same definition as PostgreSQL's percentile_cont."""
    position = q * (len(sorted_values) - 1)
    low = int(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)
