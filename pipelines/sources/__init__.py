"""Sources: a council's own systems (telephony, CRM, Open311, survey tools) translated into the
canonical feeds and loaded through the one load path, `python -m pipelines run`.

config (sources.toml) -> records (reading exports) -> mapping (the rules) -> an adapter per
kind of system (tabular, call_legs, open311 with http) -> run (one source) -> command (the
command line). docs/sources.md describes them for a data officer.
"""
