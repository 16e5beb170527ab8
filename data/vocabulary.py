"""The words every layer shares: the channels of the feeds, which of them are digital,
self-service or written, and the council's time zone. Declared once, here, at the bottom of the
layers, so that feeds, KPIs, pages and the demo council cannot disagree."""

LONDON = "Europe/London"

CHANNELS = ("phone", "email", "web", "face_to_face", "letter", "webchat", "social_media", "app",
            "other")
# The resident reaches the council online; e-mail, webchat and social media still need staff.
DIGITAL = ("email", "web", "webchat", "social_media", "app")
# The resident serves themselves.
SELF_SERVICE = ("web", "app")
# Channels answered in writing, against the written-reply standard.
WRITTEN = ("email", "web", "letter")
