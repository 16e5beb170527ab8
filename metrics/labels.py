"""How a feed's codes read on screen: `face_to_face` as "Face to face", `progress_chasing` as
"Progress chasing". Charts, their text alternatives, the sidebar's choices and the papers show
the words; the dashboard's tables and downloads keep the codes, so they join back to the source
files."""

import re

_CODE = re.compile(r"[a-z0-9]+(_[a-z0-9]+)*")


def readable(value: str | None) -> str | None:
    """A snake_case code in words; any other text (a service's name, say) as it is."""
    if value is None or not _CODE.fullmatch(value):
        return value
    return value.replace("_", " ").capitalize()
