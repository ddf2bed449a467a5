"""Order-to-cash imports: ``salesflow import contracts|payments|invoices FILE`` and the same on /import/.

Each importer checks every row without writing (every problem of every row is reported), then writes all rows
in one transaction through the services the pages and the API use: agreements through
``agreements.services.create_agreement/update_agreement``, payments through ``receivables.services.record_payment``,
invoices through ``receivables.services.request_invoice/issue_invoice``. Column headers (Chinese or English) and
the rules of each file: docs/import-order-to-cash.md.
"""

from . import agreements, invoices, payments  # noqa: F401  (registers the importers)
