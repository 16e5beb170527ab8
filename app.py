"""Once & Done: the router and frame. Each visitor's navigation holds the pages their roles open
(`pages.site`, `pages.access`); a page they may not use keeps its address, which says so."""

import streamlit as st

from pages.access import AccessError, Viewer
from pages.shared import (
    DEMO_BANNER,
    DEMO_SWITCH,
    PAGE_KEY,
    access,
    auth_configured,
    demo_switch,
    viewer,
)
from pages.site import PAGES, Page
from reports.escape import md

st.set_page_config(page_title="Once & Done", page_icon=":material/task_alt:", layout="wide")


def invitation(seen: Viewer) -> None:
    """What a visitor without a role is shown, wherever they go: the invitation to sign in."""
    st.title("Once & Done")
    if seen.roleless:
        st.warning(f"You are signed in as {md(seen.who)}, but your sign-in grants no role on this "
                   "dashboard, so you are treated as signed out. Ask the dashboard's "
                   "administrator for access, or sign out.", icon=":material/lock:")
        if not access().configured:
            st.caption("No role mapping is configured (`[access]` in the Streamlit secrets).")
        st.button("Sign out", on_click=st.logout, icon=":material/logout:",
                  key="sign_out_roleless")
    elif not auth_configured():
        st.info("Sign in to see the dashboard. This deployment has no sign-in configured "
                "(`[auth]` in the Streamlit secrets, see the README).", icon=":material/lock:")
    else:
        st.info("Sign in to see the dashboard.", icon=":material/lock:")
        if not access().configured:
            st.caption("No role mapping is configured (`[access]` in the Streamlit secrets), "
                       "so no sign-in grants a role yet.")
        st.button("Sign in", on_click=st.login, icon=":material/login:", key="sign_in")


def not_available(page: Page, seen: Viewer):
    """The page's address for a visitor whose roles do not open it: never the page."""
    def show() -> None:
        if seen.nothing or seen.roleless:
            invitation(seen)
            return
        st.title(md(page.title))
        st.warning("This page is not available to your role.", icon=":material/lock:")
    return show


def navigation(seen: Viewer):
    sections: dict[str, list] = {}
    hidden = []
    for page in PAGES:
        if page.open_to(seen):
            sections.setdefault(page.section, []).append(
                st.Page(page.path, title=page.title, icon=page.icon, default=page.default))
        else:
            hidden.append(st.Page(not_available(page, seen), title=page.title,
                                  url_path=page.url_path, visibility="hidden"))
    if not sections:
        return st.navigation([st.Page(lambda: invitation(seen), title="Sign in",
                                      icon=":material/login:", url_path="sign_in",
                                      default=True), *hidden])
    first = next(iter(sections))
    sections[first] += hidden
    return st.navigation(sections)


try:
    seen = viewer()
except AccessError as error:
    st.error(f"The dashboard cannot start: {md(str(error))}", icon=":material/error:")
    st.stop()
demo = demo_switch()
if demo:
    st.warning(f"**{DEMO_BANNER}**: made-up figures, and every visitor sees every role's views "
               f"(`{DEMO_SWITCH}=1`).", icon=":material/theater_comedy:")
elif demo is False:
    st.error(f"The demo switch (`{DEMO_SWITCH}=1`) is refused: this warehouse holds more than "
             "the fictional demo council, so what each visitor sees follows their sign-in.",
             icon=":material/block:")
chosen = navigation(seen)
st.session_state[PAGE_KEY] = chosen.title
with st.sidebar:
    if seen.who and not seen.nothing:
        st.caption(f"Signed in as {md(seen.who)}")
        st.button("Sign out", on_click=st.logout, icon=":material/logout:", key="sign_out")
        if seen.roleless:
            st.caption("Your sign-in grants no role here, so you see what visitors who are not "
                       "signed in see.")
    elif not seen.nothing and auth_configured():
        st.button("Sign in", on_click=st.login, icon=":material/login:", key="sign_in_sidebar")
chosen.run()
