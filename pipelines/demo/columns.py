"""Column helpers shared by the demo generators.

While a month is drawn, its columns are NumPy arrays in a dict, with sentinels for "no value":
-1 for codes, counts and flags, NaT for times and dates. They become nulls only when the
month is turned into a polars frame for its CSV file.
"""

import numpy as np
import polars as pl


def take(cols: dict, rows) -> dict:
    return {name: values[rows] for name, values in cols.items()}


def concat(parts: list[dict]) -> dict:
    return {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}


def labels(names, codes: np.ndarray) -> pl.Series:
    """The name for each code; -1 gives null."""
    return pl.Series(list(names), dtype=pl.String).gather(nullable(codes))


def nullable(values: np.ndarray) -> pl.Series:
    """Integers with -1 (or any negative) as null; flags 0/1 come out as integers too."""
    return pl.Series(np.ma.masked_array(values, mask=values < 0))


def refs(prefix: str, numbers: np.ndarray, width: int) -> pl.Series:
    """Reference numbers such as `CUST-0012345`; -1 gives null."""
    digits = nullable(numbers).cast(pl.String).str.zfill(width)
    return pl.select(pl.concat_str([pl.lit(prefix), digits])).to_series()


def known(dates: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """The dates where `keep`, NaT (no value) elsewhere."""
    return np.where(keep, dates, np.datetime64("NaT", "D"))


def flags(values: np.ndarray) -> pl.Series:
    return nullable(values).cast(pl.Boolean)


def times(values: np.ndarray) -> pl.Series:
    """datetime64[s] (NaT for none) as a polars datetime, which needs at least milliseconds."""
    return pl.Series(values.astype("datetime64[ms]"))
