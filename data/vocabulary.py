"""The words every layer shares: the channels of the feeds, which of them are digital,
self-service or written, the council's time zone, and what makes two contacts one matter.
Declared once, here, at the bottom of the layers, so that feeds, KPIs, pages and the demo council
cannot disagree."""

LONDON = "Europe/London"

# The feeds a file may be loaded as (docs/feeds.md, docs/programme.md). `pipelines.feeds.FEEDS`
# declares each; a test keeps the two equal. Named here too so that the command line knows them
# without importing the declarations (and with them the models and SQLModel).
FEED_NAMES = ("contacts", "complaints", "satisfaction", "enquiries", "milestones", "benefits",
              "risks")

# What figures are grouped and filtered by.
DIMENSIONS = ("service", "channel", "ward")

# Two contacts are about the same matter when they share the customer (pseudonym) and service.
MATTER = ("customer_pseudonym", "service")

CHANNELS = ("phone", "email", "web", "face_to_face", "letter", "webchat", "social_media", "app",
            "other")
# The resident reaches the council online; e-mail, webchat and social media still need staff.
DIGITAL = ("email", "web", "webchat", "social_media", "app")
# The resident serves themselves.
SELF_SERVICE = ("web", "app")
# Channels answered in writing, against the written-reply standard.
WRITTEN = ("email", "web", "letter")

# The KPI ids of docs/kpis.md, which a benefit may name (`kpi`) so that its actual is that KPI's
# value. The registry (`metrics.registry.REGISTRY`) declares each KPI; a test keeps the two equal.
KPI_IDS = ("complaints_received", "stage1_on_time_pct", "stage2_on_time_pct", "escalation_pct",
           "upheld_pct", "complaints_per_1000_contacts", "compliments_received", "contacts",
           "failure_demand_pct", "classified_pct", "repeat_contact_pct", "right_first_time_pct",
           "digital_pct", "self_service_pct", "abandoned_pct", "answered_in_60s_pct",
           "written_on_time_pct", "safeguarding_contacts", "cost_to_serve_gbp",
           "channel_shift_saving_gbp", "carbon_kg", "carbon_saving_kg",
           "member_enquiries_received", "member_enquiries_acknowledged_on_time_pct",
           "member_enquiries_on_time_pct", "survey_responses", "csat_pct", "nps", "ces_mean")

# A milestone's status (docs/programme.md).
MILESTONE_STATUSES = ("not_started", "on_track", "at_risk", "off_track", "complete", "cancelled")
