from salesflow.core.registry import scheduled_jobs

from .services import return_overdue_customers


@scheduled_jobs.register("pool-returns", "return customers to the pool by the class rules; warn owners first",
                         order=3600)
def pool_returns(now):
    return return_overdue_customers(now)
