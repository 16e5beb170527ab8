"""`python -m pipelines run [--config PATH] [--source NAME]... [--dry-run] [--json]`.

Exit status, for a scheduler: 0 when every chosen source was processed (with or without new
data); 1 when a source failed (the others were still processed) or another run held the
warehouse for longer than `wait_seconds`; 2 for a usage error or an invalid configuration, when
nothing is processed.
"""

import json
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from data.keys import recorded_fingerprint
from data.location import warehouse_url
from data.run_lock import RunLockTimeout, run_lock
from data.url import url_problem, without_password
from data.warehouse import get_engine
from pipelines.privacy import key_mismatch, key_refusal
from pipelines.sources.config import ConfigError, check_environment, read_config
from pipelines.sources.run import SourceResult, run_source

DEFAULT_CONFIG = Path("sources.toml")


def run_command(config_path: Path, names: list[str] | None, dry_run: bool, as_json: bool,
                progress: Callable[[str], Callable[[str], None] | None]) -> int:
    """Run the chosen sources; print the report; return the exit status."""
    try:
        config = read_config(config_path)
        chosen = config.chosen(names)
        for source in chosen:
            check_environment(source)
        if refusal := key_refusal():
            raise ConfigError(refusal)
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    results: list[SourceResult] = []
    try:
        if problem := url_problem(warehouse_url()):
            raise _Unreachable(problem)
        engine = get_engine()
        with run_lock(engine, config.wait_seconds):
            # A refused key is a wrong configuration: nothing is processed (exit 2).
            with engine.connect() as conn:
                if mismatch := key_mismatch(recorded_fingerprint(conn)):
                    print(f"error: {mismatch}", file=sys.stderr)
                    return 2
            for source in chosen:
                results.append(run_source(engine, source, dry_run, progress(source.name)))
    except (RunLockTimeout, SQLAlchemyError, _Unreachable) as e:
        why = str(e) if isinstance(e, RunLockTimeout) else (
            "could not reach the warehouse: "
            + without_password(str(getattr(e, "orig", e)).splitlines()[0]))
        print(f"error: {why}", file=sys.stderr)
        done = {r.name for r in results}
        results += [SourceResult(s.name, s.adapter, s.feed.name, "failed", errors=[why])
                    for s in chosen if s.name not in done]
    if as_json:
        print(json.dumps({"sources": [r.as_json() for r in results]}))
    else:
        print("\n".join(line for r in results for line in describe(r, dry_run)))
    return 1 if any(r.status == "failed" for r in results) else 0


class _Unreachable(Exception):
    """WAREHOUSE_URL cannot name a warehouse; the message says why, without the URL."""


def describe(result: SourceResult, dry_run: bool = False) -> list[str]:
    """A source's result in words, for a person reading a terminal or a scheduler's mail."""
    would = "would be " if dry_run else ""
    status = {"loaded": f"{would}loaded", "nothing_new": "nothing new",
              "failed": "FAILED"}[result.status]
    lines = [f"{result.name} ({result.adapter}, {result.feed}): {status}"
             + (" [dry run: nothing written]" if dry_run else "")]
    if result.inputs:
        lines.append(f"  inputs: {len(result.inputs)} ({_first(result.inputs)})")
    else:
        lines.append("  inputs: none found")
    if result.records_read:
        lines.append(f"  records: {result.records_read:,} read, {result.records_excluded:,} "
                     f"excluded, {result.records_combined:,} combined, {result.rows_read:,} "
                     "rows")
        lines.append(f"  rows {would}inserted {result.rows_inserted:,}, updated "
                     f"{result.rows_updated:,}, unchanged {result.rows_unchanged:,}, "
                     f"quarantined {result.rows_quarantined:,}")
    for column, values in result.as_json()["unmapped"].items():
        shown = ", ".join(f"\"{v}\" ({n:,})" for v, n in values.items())
        lines.append(f"  unmapped {column} values: {shown}")
    lines += [f"  {message}" for message in result.errors]
    return lines


def _first(inputs: list[str]) -> str:
    return inputs[0] if len(inputs) == 1 else f"{inputs[0]} … {inputs[-1]}"
