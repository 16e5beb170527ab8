"""Importing this package registers every KPI, in display order."""

from metrics.kpis import complaints, contacts, cost_carbon, satisfaction  # noqa: F401
