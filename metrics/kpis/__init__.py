"""Importing this package registers every KPI, in display order."""

from metrics.kpis import complaints, contacts, cost_carbon, enquiries, satisfaction  # noqa: F401
