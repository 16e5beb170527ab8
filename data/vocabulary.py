"""The words every layer shares: the channels of the feeds, which of them are digital,
self-service or written, the council's time zone, and what makes two contacts one matter.
Declared once, here, at the bottom of the layers, so that feeds, KPIs, pages and the demo council
cannot disagree."""

LONDON = "Europe/London"

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
