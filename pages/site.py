"""Every page of the dashboard, in its section, with the lowest role that may open it. app.py
registers them for each visitor; a new page is one line here:

    Page("pages/programme.py", "Programme", ":material/flag:", "Service managers", "member"),

The role is one of `pages.access.LADDER`; a role opens its own pages and those of every role
below it. What a page shows within itself (record-level views, editing) is gated on the page.
"""

from dataclasses import dataclass
from pathlib import Path

from pages.access import Viewer


@dataclass(frozen=True)
class Page:
    path: str
    title: str
    icon: str
    section: str
    role: str  # the lowest role that may open it
    default: bool = False

    @property
    def url_path(self) -> str:
        """The page's address, as Streamlit derives it from the file name."""
        return Path(self.path).stem

    def open_to(self, viewer: Viewer) -> bool:
        return viewer.has(self.role)


PAGES = (
    Page("pages/scorecard.py", "Monthly scorecard", ":material/dashboard:", "Cabinet", "public",
         default=True),
    Page("pages/papers.py", "Papers and packs", ":material/description:", "Cabinet", "public"),
    Page("pages/programme.py", "Programme", ":material/flag:", "Cabinet", "member"),
    Page("pages/failure_demand.py", "Failure demand", ":material/replay:", "Service managers",
         "member"),
    Page("pages/right_first_time.py", "Right first time", ":material/check_circle:",
         "Service managers", "member"),
    Page("pages/complaints.py", "Complaints and compliments", ":material/forum:",
         "Service managers", "member"),
    Page("pages/satisfaction.py", "Satisfaction", ":material/mood:", "Service managers",
         "member"),
    Page("pages/enquiries.py", "Members' enquiries", ":material/how_to_reg:",
         "Service managers", "member"),
    Page("pages/channels.py", "Channels, cost and carbon", ":material/eco:", "Service managers",
         "member"),
    Page("pages/data_quality.py", "Data quality", ":material/fact_check:", "Analysts", "member"),
    Page("pages/audit.py", "Audit trail", ":material/policy:", "Administration", "admin"),
)


def title_of(path: str) -> str:
    """The title of the page whose file is `path` (a page's own `__file__`)."""
    return next(p.title for p in PAGES if p.url_path == Path(path).stem)
