"""经营分析: churn warning, RFM segments (and more) computed from customers, agreements and follow-ups."""
