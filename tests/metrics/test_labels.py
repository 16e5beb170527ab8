"""Codes read as words on screen; names that are already words are left alone."""

from metrics.labels import readable


def test_codes_read_as_words():
    assert readable("face_to_face") == "Face to face"
    assert readable("social_media") == "Social media"
    assert readable("progress_chasing") == "Progress chasing"
    assert readable("web") == "Web"


def test_names_and_blanks_are_left_as_they_are():
    assert readable("Council Tax") == "Council Tax"
    assert readable("Revenues - Business Rates") == "Revenues - Business Rates"
    assert readable("") == ""
    assert readable(None) is None
