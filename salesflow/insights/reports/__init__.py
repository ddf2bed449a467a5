"""Automatic sales reports (周报 / 月报 / 季报) and the review document (复盘): figures assembled from the apps
below (data.py), rendered to XLSX and PDF, stored with history, scheduled for subscribers."""
