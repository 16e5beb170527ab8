"""Repeat-contact chains on the nine January contacts of `test_drill` (see its table):

    Waste c1: 1 phone, 2 web (+2 d), 3 phone (+1.5 d)     -> one chain of 3
    Waste c2: 4 email, 5 phone (+10 d), 9 phone (+1 d)    -> 4 alone; 5 and 9 a chain of 2
    Housing c3: 7 phone, 8 webchat (+8 h)                 -> a chain of 2
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import polars as pl

from metrics.chains import alias, chains, contact_chains, without_safeguarding
from pipelines.ingest import ingest_file
from tests.metrics.builders import months, utc, write_csv
from tests.metrics.test_drill import facts, input_rows

LONDON = ZoneInfo("Europe/London")


def test_chains_with_the_default_window():
    result = chains(facts(), window_days=7)
    assert result.select("alias", "service", "contacts", "channels", "gaps_days",
                         "failure_types", "days_spanned").rows() == [
        (alias("c1"), "Waste", 3, "phone → web → phone", "2.0 · 1.5", "chasing, not done", 3.5),
        (alias("c3"), "Housing", 2, "phone → webchat", "0.3", "unclear letter", 0.3),
        (alias("c2"), "Waste", 2, "phone → phone", "1.0", "chasing", 1.0),
    ]
    first = result.row(0, named=True)
    assert first["first_contact"] == datetime(2024, 1, 2, 10, tzinfo=LONDON)
    assert first["last_contact"] == datetime(2024, 1, 5, 22, tzinfo=LONDON)
    assert not result.get_column("began_before").any()
    assert not result.get_column("goes_on_after").any()


def test_a_shorter_window_breaks_chains():
    # With 1 day, 1 -> 2 (2 d) and 2 -> 3 (1.5 d) are too far apart; 5 -> 9 is exactly 1 d.
    result = chains(facts(), window_days=1)
    assert result.select("alias", "contacts").rows() == [(alias("c3"), 2), (alias("c2"), 2)]


def test_a_chain_cut_by_the_contacts_given_says_so():
    # Without contact 1 (say, before the period), 2 still records 1 as its previous contact.
    result = chains(facts().filter(pl.col("received_at") > utc(2024, 1, 3)),
                    window_days=7)
    cut = result.filter(pl.col("alias") == alias("c1")).row(0, named=True)
    assert (cut["contacts"], cut["began_before"], cut["goes_on_after"]) == (2, True, False)


def test_no_pseudonym_is_shown_and_the_limit_holds():
    result = chains(facts(), window_days=7, limit=1)
    assert result.height == 1
    assert "customer_pseudonym" not in result.columns
    assert alias("c1").startswith("R-") and len(alias("c1")) == 8


def test_contact_chains_reads_one_service_of_the_warehouse(sqlite_engine, tmp_path):
    ingest_file(sqlite_engine, "contacts", write_csv(input_rows(), tmp_path / "contacts.csv"))
    result = contact_chains(sqlite_engine, "Waste", months("2024-01"))
    assert result.select("service", "contacts", "channels").rows() == [
        ("Waste", 3, "phone → web → phone"), ("Waste", 2, "phone → phone")]
    # The warehouse holds HMAC pseudonyms, so the aliases are of those, not of "c1".
    assert alias("c1") not in result.get_column("alias").to_list()
    assert contact_chains(sqlite_engine, "Waste", months("2024-02")).height == 0


def test_a_chain_with_a_safeguarding_contact_is_withheld_from_others():
    # Contact 5 of c2 raised a safeguarding concern: c2's chain of 5 and 9 is flagged.
    flagged = facts().with_columns(
        safeguarding=pl.when(pl.col("contact_id") == "c00005").then(True)
        .otherwise(pl.col("safeguarding")))
    found = chains(flagged, window_days=7)
    assert found.select("alias", "safeguarding").rows() == [
        (alias("c1"), False), (alias("c3"), False), (alias("c2"), True)]
    shown, withheld = without_safeguarding(found)
    assert withheld == 1
    assert shown.get_column("alias").to_list() == [alias("c1"), alias("c3")]
    assert "safeguarding" not in shown.columns
