"""Quotations (报价): services, pages, API and the PDF."""
