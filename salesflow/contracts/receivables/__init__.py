"""Money: payment plans, payments, invoices, receivables ageing and collection statistics."""
