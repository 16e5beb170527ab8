"""Which KPIs a grouping or filter leaves out, and the words that say why, all read from the
KPIs' declarations (`Kpi.dimensions`, `Kpi.why_not`)."""

from dataclasses import replace

import pytest

from metrics.applicability import LeftOut, applicable, left_out
from metrics.complaints_view import COMPLAINT_KPIS
from metrics.registry import REGISTRY, kpi
from metrics.satisfaction_view import SATISFACTION_KPIS

SAVINGS = ("channel_shift_saving_gbp", "carbon_saving_kg")


def test_every_kpi_says_why_it_is_not_defined_by_a_dimension():
    for k in REGISTRY.values():
        missing = {"service", "channel", "ward"} - set(k.dimensions)
        assert set(k.why_not) == missing, k.id


def test_complaints_by_channel_are_named_as_a_feed_with_their_reason():
    (gap,) = left_out(COMPLAINT_KPIS, ["channel"])
    assert gap.dimension == "channel" and gap.whole_feed
    assert [k.id for k in gap.kpis] == list(COMPLAINT_KPIS)
    assert gap.sentence == ("Complaint figures are not defined by channel: a complaint is "
                            "counted against its service, not the channel of a contact.")
    assert applicable(COMPLAINT_KPIS, ["channel"]) == ()
    assert applicable(COMPLAINT_KPIS, ["service", "ward"]) == COMPLAINT_KPIS


def test_every_kpi_by_channel_and_ward():
    gaps = left_out(tuple(REGISTRY), {"ward", "channel"})
    assert [(g.dimension, g.sentence) for g in gaps] == [
        ("channel", "Complaint figures are not defined by channel: a complaint is counted "
                    "against its service, not the channel of a contact."),
        ("channel", "Saving from channel shift and Carbon saved by channel shift are not "
                    "defined by channel: a saving compares a group's whole channel mix with "
                    "its baseline mix, so it has no share on one channel."),
        ("channel", "Members' enquiry figures are not defined by channel: an enquiry is "
                    "counted against its service, not the channel the member used."),
        ("ward", "Satisfaction figures are not defined by ward: survey responses carry no "
                 "ward."),
    ]
    # Each reason is the one its KPIs declare.
    for gap in gaps:
        assert {k.why_not[gap.dimension] for k in gap.kpis} == {gap.reason.removesuffix(".")}
    left = {k for g in gaps for k in g.kpis}
    assert set(applicable(REGISTRY, ["channel", "ward"])) == {
        k.id for k in REGISTRY.values() if k not in left}


def test_one_kpi_left_out_is_named_by_its_label():
    (gap,) = left_out(SAVINGS[:1], ["channel"])
    assert not gap.whole_feed
    assert gap.sentence.startswith("Saving from channel shift is not defined by channel: ")


def test_a_grouping_the_kpis_are_defined_for_leaves_nothing_out():
    assert left_out(SATISFACTION_KPIS, ["service", "channel"]) == []
    assert applicable(SATISFACTION_KPIS, []) == SATISFACTION_KPIS


def test_the_words_follow_the_declaration():
    declared = replace(REGISTRY["nps"], why_not={"ward": "the survey asks for no address"})
    gap = LeftOut("ward", (declared,), declared.why_not["ward"], whole_feed=True)
    assert gap.sentence == ("Satisfaction figures are not defined by ward: the survey asks "
                            "for no address.")
    bare = LeftOut("ward", (declared,), "", whole_feed=False)
    assert bare.sentence == "Net promoter score is not defined by ward."


def test_a_reason_for_a_dimension_the_kpi_is_defined_for_is_refused():
    with pytest.raises(ValueError, match="a reason is given for a dimension it is defined for"):
        kpi("x", "X", "count", None, "satisfaction", "", feed="satisfaction",
            needs=("responses",), dimensions=("service", "ward"), why_not={"ward": "no"})
