"""Contracts and orders (合同 / 订单): numbering, services, pages, API, deliveries and milestones."""
