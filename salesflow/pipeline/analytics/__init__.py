"""Read-side analytics of the pipeline: funnel, conversion and learned win rates, cycle, forecast, stalled deals.

Every function takes an already permission-filtered queryset (``Opportunity.objects.visible_to(user)``), so each
figure counts only what its reader may see. Aggregates run in the database.
"""
