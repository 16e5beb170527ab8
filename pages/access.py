"""Who sees what: the roles a visitor holds, from the `[access]` configuration and their sign-in
claims. No streamlit here, so that every rule is unit-tested; `pages.shared` wires it in.

Roles form a ladder (each sees what the one below it sees, and more), with `safeguarding` apart:
it is added to a user's other roles and opens the records flagged safeguarding wherever those
roles show records.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

# Lowest first: a role sees everything the ones before it see.
LADDER = ("public", "member", "manager", "analyst", "admin")
SAFEGUARDING = "safeguarding"
ROLES = (*LADDER, SAFEGUARDING)
SIGNED_OUT = ("sign_in", "public")


class AccessError(ValueError):
    """The `[access]` configuration cannot be used; the message names the key and value."""


@dataclass(frozen=True)
class Access:
    """The `[access]` configuration. `configured` is False when there is none."""

    signed_out: str = "sign_in"
    claim: str = "groups"
    roles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # role -> claim values
    configured: bool = False


def parse_access(section: Mapping | None) -> Access:
    """The `[access]` section of the secrets (None when there is none), checked: an unknown role,
    `signed_out` value or key raises AccessError naming it."""
    if section is None:
        return Access()
    unknown = sorted(set(section) - {"signed_out", "claim", "roles"})
    if unknown:
        raise AccessError(f"[access]: unknown key {unknown[0]!r} (keys: signed_out, claim, "
                          "roles)")
    signed_out = section.get("signed_out", "sign_in")
    if signed_out not in SIGNED_OUT:
        raise AccessError(f'[access] signed_out: "{signed_out}" is not one of '
                          f"{', '.join(SIGNED_OUT)}")
    claim = section.get("claim", "groups")
    if not isinstance(claim, str) or not claim:
        raise AccessError("[access] claim: must be the name of an ID-token claim")
    roles = {}
    for role, values in (section.get("roles") or {}).items():
        if role not in ROLES:
            raise AccessError(f'[access.roles]: unknown role "{role}" (roles: '
                              f"{', '.join(ROLES)})")
        values = [values] if isinstance(values, str) else list(values)
        if not all(isinstance(v, str) for v in values):
            raise AccessError(f"[access.roles] {role}: claim values must be text")
        roles[role] = tuple(values)
    return Access(signed_out, claim, roles, configured=True)


def claim_values(claims: Mapping, claim: str) -> set[str]:
    """The values of a top-level claim: a list gives each of its text items, a text one value;
    anything else (absent, a nested object) none."""
    found = claims.get(claim)
    if isinstance(found, str):
        return {found}
    if isinstance(found, list | tuple):
        return {v for v in found if isinstance(v, str)}
    return set()


@dataclass(frozen=True)
class Viewer:
    """Who is looking: the roles they hold (the ladder's up to their highest, and `safeguarding`
    if granted), and who they signed in as (None if nobody)."""

    roles: frozenset[str]
    who: str | None = None

    def has(self, role: str) -> bool:
        return role in self.roles

    @property
    def published_only(self) -> bool:
        """Sees published figures only (small numbers suppressed): the `public` role alone."""
        return self.has("public") and not self.has("member")

    @property
    def roleless(self) -> bool:
        """Signed in, but their claims grant no role: told so, and offered Sign out."""
        return self.who is not None and not self.has("member")

    @property
    def nothing(self) -> bool:
        """Holds no role that opens a page: offered only the sign-in."""
        return not self.has("public")


def climb(granted: set[str]) -> frozenset[str]:
    """The roles granted, with every role of the ladder below the highest of them."""
    top = max((LADDER.index(r) for r in granted if r in LADDER), default=-1)
    return frozenset({*LADDER[:top + 1], *(granted & {SAFEGUARDING})})


def granted_roles(claims: Mapping, access: Access) -> set[str]:
    """Every role that any of the user's claim values grants (exact, case-sensitive match)."""
    values = claim_values(claims, access.claim)
    return {role for role, wanted in access.roles.items() if values & set(wanted)}


def viewer_for(access: Access, claims: Mapping | None, who: str | None,
               demo: bool = False) -> Viewer:
    """The viewer from the configuration and, if signed in, their claims. `demo`: the fictional
    demo council's switch, every role for every visitor. A signed-in user whose claims grant no
    role of the ladder is treated as signed out (`safeguarding` alone opens nothing)."""
    if demo:
        return Viewer(frozenset(ROLES), who)
    signed_out = frozenset({"public"}) if access.signed_out == "public" else frozenset()
    if claims is None:
        return Viewer(signed_out)
    roles = climb(granted_roles(claims, access))
    if not roles & set(LADDER):
        return Viewer(signed_out, who)
    return Viewer(roles, who)
