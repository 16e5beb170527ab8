"""The fictional demo council: generated feeds (`generate`) loaded through the real ingest
path (`build`)."""

from pipelines.demo.build import build_demo
from pipelines.demo.generate import generate_demo, write_demo

__all__ = ["build_demo", "generate_demo", "write_demo"]
