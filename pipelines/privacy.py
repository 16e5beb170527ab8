"""Keeping personal data out of the warehouse: pseudonyms for customer identifiers, masks for
free text."""

from __future__ import annotations

import hmac
import os
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: the command line reads the key before polars loads
    import polars as pl

KEY_VARIABLE = "ONCE_AND_DONE_PSEUDONYM_KEY"
# Used only when no key is configured, so that a laptop demo works; production sets the variable.
DEVELOPMENT_KEY = "once-and-done-DEVELOPMENT-KEY-not-for-real-data"
# `production` (the deployment's files set it): no load without a key of the council's own...
ENVIRONMENT_VARIABLE = "ONCE_AND_DONE_ENVIRONMENT"
# ...unless `1` says the data loaded is test data.
TEST_DATA_VARIABLE = "ONCE_AND_DONE_TEST_DATA"
# What the warehouse's fingerprint of the key is an HMAC of: fixed, so that the same key always
# gives the same fingerprint; the fingerprint tells keys apart and reveals nothing of them.
FINGERPRINT_LABEL = b"once-and-done: fingerprint of the pseudonym key, v1"

EMAIL = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}"
# UK numbers: +44 or 0, then 9–10 more digits in the usual groupings, including a bracketed
# area code followed by a space, as in (020) 7946 0958.
UK_PHONE = r"(?:\+44\s?\(?0?\)?\s?|\(?0)(?:\d[\s\-\)]{0,2}){8,10}\d"
UK_POSTCODE = r"(?i)\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b"


def pseudonym_key() -> bytes:
    return (os.environ.get(KEY_VARIABLE) or DEVELOPMENT_KEY).encode()


def key_warning() -> str | None:
    """What every command that loads says on standard error when no key is configured. Printed
    by the command itself, not raised as a Python warning: great-expectations captures those."""
    if os.environ.get(KEY_VARIABLE):
        return None
    return (f"warning: {KEY_VARIABLE} is not set: using the development pseudonym key, "
            "which is not fit for real data")


def key_refusal() -> str | None:
    """Why no load may run, when this is production (`ONCE_AND_DONE_ENVIRONMENT=production`)
    without a key of its own and not declared a test (`ONCE_AND_DONE_TEST_DATA=1`); else None.
    Elsewhere a missing key still loads, with `key_warning`, as checks outside the project
    load without setting it."""
    if (os.environ.get(ENVIRONMENT_VARIABLE) != "production"
            or os.environ.get(TEST_DATA_VARIABLE) == "1"
            or pseudonym_key() != DEVELOPMENT_KEY.encode()):
        return None
    return (f"{KEY_VARIABLE} is not set and {ENVIRONMENT_VARIABLE} is production: real data is "
            f"never pseudonymised with the development key; nothing was loaded (set the key, or "
            f"{TEST_DATA_VARIABLE}=1 to load test data)")


def key_fingerprint(key: bytes) -> str:
    """The fingerprint the warehouse keeps of the key it was first loaded with (`data.keys`)."""
    return hmac.digest(key, FINGERPRINT_LABEL, "sha256").hex()


def key_mismatch(recorded: tuple[str, datetime] | None) -> str | None:
    """Why a load under the configured key must not run into a warehouse whose first load
    recorded `recorded` (fingerprint, when); None when it may (same key, or none recorded)."""
    if recorded is None or hmac.compare_digest(recorded[0], key_fingerprint(pseudonym_key())):
        return None
    return (f"{KEY_VARIABLE} is not the key this warehouse was first loaded with (on "
            f"{recorded[1]:%Y-%m-%d}): the same customers would get other pseudonyms and repeat "
            "contacts would stop matching; nothing was loaded")


def pseudonymise(refs: pl.Series, key: bytes) -> pl.Series:
    """HMAC-SHA256 of each identifier, as hex; the same input and key give the same pseudonym."""
    import polars as pl  # noqa: PLC0415 (see the imports above)

    unique = refs.drop_nulls().unique()
    digests = pl.Series([hmac.digest(key, ref.encode(), "sha256").hex()
                         for ref in unique.to_list()], dtype=pl.String)
    return refs.replace_strict(unique, digests, default=None, return_dtype=pl.String)


def mask_text(text: pl.Expr) -> pl.Expr:
    return (text.str.replace_all(EMAIL, "[email]")
            .str.replace_all(UK_POSTCODE, "[postcode]")
            .str.replace_all(UK_PHONE, "[phone]"))
