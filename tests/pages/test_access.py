"""Roles from the `[access]` configuration and the sign-in's claims (`pages.access`), and which
pages each role's navigation holds (`pages.site`), as the README's role table says."""

import pytest

from pages.access import (
    LADDER,
    Access,
    AccessError,
    Viewer,
    claim_values,
    parse_access,
    viewer_for,
)
from pages.site import PAGES

# The `[access]` section exactly as the README (and the contract) shows it.
ACCESS = {"signed_out": "sign_in", "claim": "groups",
          "roles": {"member": ["Councillors"], "manager": ["Service Managers"],
                    "analyst": ["Performance Team"], "safeguarding": ["Safeguarding Leads"],
                    "admin": ["Dashboard Admins"]}}
AGGREGATE_PAGES = {"Monthly scorecard", "Papers and packs", "Programme", "Failure demand",
                   "Right first time", "Complaints and compliments", "Satisfaction",
                   "Members' enquiries", "Channels, cost and carbon", "Data quality"}


def signed_in(*groups, config=ACCESS, claim="groups") -> Viewer:
    return viewer_for(parse_access(config), {"sub": "u", claim: list(groups)}, "u@example.com")


def titles(viewer: Viewer) -> set[str]:
    return {p.title for p in PAGES if p.open_to(viewer)}


def test_the_configuration_as_documented_is_read():
    access = parse_access(ACCESS)
    assert access == Access("sign_in", "groups", {
        "member": ("Councillors",), "manager": ("Service Managers",),
        "analyst": ("Performance Team",), "safeguarding": ("Safeguarding Leads",),
        "admin": ("Dashboard Admins",)}, configured=True)


def test_an_unknown_role_is_named():
    with pytest.raises(AccessError, match='unknown role "auditor"'):
        parse_access({"roles": {"member": ["Councillors"], "auditor": ["Audit"]}})


def test_an_unknown_signed_out_value_is_named():
    with pytest.raises(AccessError, match='signed_out: "everyone" is not one of sign_in, public'):
        parse_access({"signed_out": "everyone"})


def test_no_access_section_means_sign_in_and_no_role():
    access = parse_access(None)
    assert (access.signed_out, access.configured) == ("sign_in", False)
    seen = viewer_for(access, {"groups": ["Councillors"]}, "u@example.com")
    assert seen.roleless and seen.nothing


def test_signed_out_visitors_must_sign_in_by_default():
    seen = viewer_for(parse_access(ACCESS), None, None)
    assert seen.nothing and titles(seen) == set()


def test_signed_out_visitors_are_public_when_configured():
    seen = viewer_for(parse_access({**ACCESS, "signed_out": "public"}), None, None)
    assert seen.published_only
    assert titles(seen) == {"Monthly scorecard", "Papers and packs"}


def test_public_sees_the_scorecard_and_the_papers_only():
    seen = signed_in("Residents", config={**ACCESS, "roles": {"public": ["Residents"]}})
    assert seen.published_only
    assert titles(seen) == {"Monthly scorecard", "Papers and packs"}


@pytest.mark.parametrize("group, role", [("Councillors", "member"),
                                         ("Service Managers", "manager"),
                                         ("Performance Team", "analyst"),
                                         ("Dashboard Admins", "admin")])
def test_each_role_sees_every_aggregate_page_and_what_the_roles_below_it_see(group, role):
    seen = signed_in(group)
    assert titles(seen) == AGGREGATE_PAGES | ({"Audit trail"} if role == "admin" else set())
    below = LADDER[:LADDER.index(role) + 1]
    assert {r for r in LADDER if seen.has(r)} == set(below)
    assert not seen.published_only and not seen.has("safeguarding")


def test_record_level_views_need_manager_and_editing_needs_analyst():
    assert not signed_in("Councillors").has("manager")
    assert signed_in("Service Managers").has("manager")
    assert not signed_in("Service Managers").has("analyst")
    assert signed_in("Performance Team").has("analyst")
    assert not signed_in("Performance Team").has("admin")


def test_safeguarding_is_added_to_the_other_roles():
    seen = signed_in("Service Managers", "Safeguarding Leads")
    assert seen.has("safeguarding") and seen.has("manager") and not seen.has("analyst")


def test_safeguarding_alone_opens_nothing():
    seen = signed_in("Safeguarding Leads")
    assert seen.roleless and seen.nothing and titles(seen) == set()


def test_a_user_holds_every_role_any_of_their_values_grants():
    seen = signed_in("Councillors", "Dashboard Admins")
    assert seen.has("admin")


def test_claim_values_match_exactly_and_case_sensitively():
    assert signed_in("councillors").roleless
    assert signed_in("Councillors ").roleless
    assert signed_in("Council").roleless


def test_a_text_claim_is_one_value():
    access = parse_access(ACCESS)
    assert viewer_for(access, {"groups": "Councillors"}, "u").has("member")
    assert viewer_for(access, {"groups": "Councillors,Performance Team"}, "u").roleless


def test_only_top_level_claims_are_read():
    access = parse_access({**ACCESS, "claim": "roles"})
    nested = {"realm_access": {"roles": ["Councillors"]}}
    assert viewer_for(access, nested, "u").roleless
    assert viewer_for(access, {"roles": ["Councillors"]}, "u").has("member")
    assert claim_values({"groups": {"name": "Councillors"}}, "groups") == set()


def test_the_claim_is_configurable():
    seen = signed_in("Councillors", config={**ACCESS, "claim": "roles"}, claim="roles")
    assert seen.has("member")


def test_a_roleless_user_is_treated_as_signed_out():
    assert signed_in("Planning").roleless and signed_in("Planning").nothing
    public = signed_in("Planning", config={**ACCESS, "signed_out": "public"})
    assert public.roleless and public.published_only


def test_the_demo_switch_opens_every_role():
    seen = viewer_for(parse_access(ACCESS), None, None, demo=True)
    assert all(seen.has(r) for r in (*LADDER, "safeguarding"))


def test_every_page_declares_a_role_of_the_ladder_and_one_opens_first():
    assert all(p.role in LADDER for p in PAGES)
    assert [p.title for p in PAGES if p.default] == ["Monthly scorecard"]
    assert len({p.url_path for p in PAGES}) == len(PAGES)
