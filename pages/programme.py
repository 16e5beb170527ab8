"""Programme: the exception list of a month or half (each item with its owner and approved
commentary, or "no commentary yet"), the roadmap's milestones (baseline against forecast), the
benefits against their plan, the risk register; and, for signed-in staff, writing and approving
commentary, recording KPI owners and updating milestones."""

from dataclasses import replace

import polars as pl
import streamlit as st

from data.edits import (
    MILESTONE_STATUSES,
    approve_commentary,
    edit_programme_item,
    set_kpi_owner,
    write_commentary,
)
from metrics.exceptions import Period, appetite, benefit_actuals
from metrics.months import month_name
from metrics.programme_view import (
    benefits_frame,
    exceptions_frame,
    milestones_frame,
    risk_history_words,
    risk_register,
)
from metrics.reads import (
    PROGRAMME_PARTS,
    SOURCE_PARTS,
    exceptions_from_warehouse,
    read_commentary,
    read_programme,
)
from metrics.registry import REGISTRY
from metrics.risk_trend import score_history
from pages.shared import (
    cached,
    chart,
    editor,
    engine,
    for_role,
    months,
    settings,
    sources,
    table,
)
from reports.charts.programme import benefit_chart, milestone_timeline, risk_score_chart
from reports.documents.halves import complete_halves, half_name
from reports.escape import md


@cached("milestones", "benefits", "risks", *SOURCE_PARTS, max_entries=4)
def _programme(stamp):
    programme = read_programme(engine())
    return replace(programme, benefits=benefit_actuals(programme.benefits, sources()))


@cached(*SOURCE_PARTS, *PROGRAMME_PARTS, "settings", max_entries=16)
def _exceptions(stamp, period: str):
    return exceptions_from_warehouse(engine(), period, sources())


@cached("commentary", max_entries=16)
def _commentary(stamp, period: str) -> pl.DataFrame:
    return read_commentary(engine(), period)


def _period_name(period: str) -> str:
    return half_name(period) if "-H" in period else month_name(period)


st.title("Programme")
available = months(sources())
choices = [*available[:12], *complete_halves(available)] if available else []
if not choices:
    st.info("The warehouse has no contacts yet, so no report period can be judged. Load feeds "
            "with `python -m pipelines ingest`, the programme with "
            "`python -m pipelines ingest milestones|benefits|risks FILE`.")
    st.stop()
period = st.selectbox("Report for", choices, key="programme_period",
                      format_func=lambda p: f"{_period_name(p)} ({p})",
                      help="A month is the cabinet's report, a half the committee's.")
when = Period(period).report_date(sources())
programme = _programme()

st.subheader("Exceptions")
items = _exceptions(period)
st.caption(f"Judged at the report date, {when:%-d %B %Y}: milestones slipping or overdue, open "
           f"risks at or above the appetite of {md(settings().get('risk_appetite', '15'))}, "
           f"benefits missing their plan by more than "
           f"{md(settings().get('benefit_tolerance_pct', '10'))} %, and measures red against their "
           f"target or showing an SPC concern. The same list as the papers and "
           f"`python -m metrics exceptions`.")
if items:
    table(exceptions_frame(items), f"exceptions-{period}")
else:
    st.success("Nothing is on the exception list.", icon=":material/check:")

st.subheader("Milestones")
if programme.milestones.height:
    frame = milestones_frame(programme.milestones, when)
    moved = frame.filter(pl.col("forecast_due_on") != pl.col("baseline_due_on")).height
    chart(milestone_timeline(frame), frame.drop("edited_by", "edited_at"),
          f"Timeline of {frame.height} milestones: a circle at each baseline date and a diamond "
          f"at its forecast; {moved} forecast later or earlier than agreed. "
          f"{frame.filter(pl.col('at_report_date') == 'slipping').height} slipping, "
          f"{frame.filter(pl.col('at_report_date') == 'overdue').height} overdue.",
          "milestones", "Milestones")
else:
    st.info("No milestone is loaded.")

st.subheader("Benefits against plan")
if programme.benefits.height:
    benefits = benefits_frame(programme.benefits, settings())
    names = dict(benefits.select("benefit_id", "title").unique("benefit_id").iter_rows())
    chosen = st.selectbox("Benefit", sorted(names), format_func=lambda b: names[b],
                          key="programme_benefit")
    rows = benefits.filter(pl.col("benefit_id") == chosen).sort("month")
    unit = rows.item(0, "unit")
    missed = rows.filter(pl.col("against_plan").is_in(["below plan", "above plan"])).height
    chart(benefit_chart(rows, names[chosen], unit), rows,
          f"Line chart of {names[chosen]}: plan (dashed, squares) and actual (solid, circles) "
          f"for {rows.height} months from {rows.item(0, 'month')} to {rows.item(-1, 'month')}; "
          f"{missed} months miss the plan by more than the tolerance.",
          f"benefit-{chosen}", names[chosen])
    table(benefits, "benefits", "Every benefit's plan and actual by month.")
else:
    st.info("No benefit is loaded.")

st.subheader("Risk register")
if programme.risks.height:
    register = risk_register(programme.risks, settings(), programme.risk_scores)
    table(register, "risks",
          "Scores are likelihood × impact (1 to 5 each), before and after mitigation; the "
          "current score is the one after mitigation where both are given. The trend compares "
          "it with the score recorded before it: rising ▲, falling ▼, steady ▶, or new where "
          "none was recorded before.")
    keys = programme.risks.select("source_system", "risk_id").rows()
    titles = dict(zip(keys, programme.risks.get_column("title").to_list()))
    risk = st.selectbox("Risk", keys, format_func=titles.get, key="programme_risk")
    history = score_history(programme.risk_scores, *risk)
    if history.height:
        limit = appetite(settings())
        row = register.row(keys.index(risk), named=True)
        chart(risk_score_chart(history, titles[risk], limit), history,
              risk_history_words(titles[risk], history, row, limit),
              f"risk-{risk[1]}", titles[risk])
    else:
        st.info("No score of this risk has been recorded yet: its scores are recorded from "
                "the next load or edit that changes them.")
else:
    st.info("No risk is loaded.")

st.subheader("Commentary")
versions = _commentary(period)
approved = versions.filter(pl.col("status") == "approved")
table(approved.select("kind", "item_id", "text", "written_by", "approved_by", "approved_at"),
      f"commentary-{period}", f"Approved commentary for {_period_name(period)}.")
if not for_role("analyst", "Writing and approving commentary and editing the programme"):
    st.stop()

who = editor()
kpi_labels = {k.id: k.label for k in REGISTRY.values()}
targets = ([("kpi", k) for k in kpi_labels]
           + [("milestone", m) for m in programme.milestones.get_column("milestone_id")]
           + [("risk", r) for r in programme.risks.get_column("risk_id")]
           + [("benefit", b) for b in programme.benefits.get_column("benefit_id").unique().sort()])
with st.form("write_commentary"):
    st.markdown(f"**Write commentary for {md(_period_name(period))}** (a KPI's owner writes its "
                f"commentary; a second person approves it before it reaches the papers)")
    target = st.selectbox("Item", targets, format_func=lambda t: f"{t[0]}: "
                          f"{kpi_labels.get(t[1], t[1])}", key="commentary_item")
    words = st.text_area("What happened, why, and what is being done", key="commentary_text")
    if st.form_submit_button("Save draft"):
        try:
            write_commentary(engine(), target[0], target[1], period, words, by=who)
            st.success("Draft saved: it appears in the papers once someone else approves it.")
        except ValueError as error:
            st.error(md(str(error)))

# Read again: a draft saved just above is among them.
drafts = _commentary(period).filter(pl.col("status") == "draft")
if drafts.height:
    table(drafts.select("commentary_id", "kind", "item_id", "text", "written_by", "written_at"),
          f"drafts-{period}", "Drafts awaiting approval.")
    draft = st.selectbox("Draft to approve", drafts.get_column("commentary_id").to_list(),
                         key="commentary_draft")
    if st.button("Approve", key="approve_commentary"):
        try:
            approve_commentary(engine(), draft, by=who)
            st.success("Approved.")
        except ValueError as error:
            st.error(md(str(error)))

with st.form("kpi_owner"):
    st.markdown("**KPI owner** (as they sign in, e.g. their e-mail)")
    kpi = st.selectbox("Measure", list(kpi_labels), format_func=kpi_labels.get, key="owner_kpi")
    owner = st.text_input("Owner", key="owner_name")
    if st.form_submit_button("Record owner"):
        try:
            set_kpi_owner(engine(), kpi, owner, by=who)
            st.success("Owner recorded.")
        except ValueError as error:
            st.error(md(str(error)))

if programme.milestones.height:
    st.markdown("**Update a milestone** (recorded with who and when; a later file that rewrites "
                "it wins)")
    ids = programme.milestones.get_column("milestone_id").to_list()
    milestone = st.selectbox("Milestone", ids, key="edit_milestone_id")
    now = programme.milestones.filter(pl.col("milestone_id") == milestone).row(0, named=True)
    with st.form(f"edit_milestone_{milestone}"):
        status = st.selectbox("Status", MILESTONE_STATUSES,
                              index=MILESTONE_STATUSES.index(now["status"]))
        forecast = st.date_input("Forecast date", value=now["forecast_due_on"])
        completed = st.date_input("Completed on", value=now["completed_on"])
        reason = st.text_input("RAG reason", value=now["rag_reason"] or "")
        if st.form_submit_button("Save milestone"):
            try:
                changed = edit_programme_item(
                    engine(), "milestones", milestone, by=who,
                    source_system=now["source_system"], status=status,
                    forecast_due_on=forecast, completed_on=completed, rag_reason=reason or None)
                st.success(md(f"Saved: {', '.join(changed) or 'nothing changed'}."))
            except ValueError as error:
                st.error(md(str(error)))

if programme.risks.height:
    st.markdown("**Update a risk** (recorded with who and when; a change of its scores is added "
                "to its score history, which gives its trend; a later file that rewrites it "
                "wins)")
    edited = st.selectbox("Risk to update", keys, format_func=titles.get, key="edit_risk_id")
    now = programme.risks.row(keys.index(edited), named=True)
    scores, residual = (1, 2, 3, 4, 5), (None, 1, 2, 3, 4, 5)
    # Keys per risk: a widget keeps its value under its key, so one key for every risk would
    # offer (and save) the previous risk's scores as this one's.
    mine = edited[1]
    with st.form(f"edit_risk_{mine}"):
        likelihood = st.selectbox("Likelihood before mitigation", scores,
                                  index=scores.index(now["likelihood"]),
                                  key=f"risk_likelihood_{mine}")
        impact = st.selectbox("Impact before mitigation", scores,
                              index=scores.index(now["impact"]), key=f"risk_impact_{mine}")
        after_likelihood = st.selectbox(
            "Likelihood after mitigation", residual, key=f"risk_residual_likelihood_{mine}",
            index=residual.index(now["residual_likelihood"]),
            format_func=lambda v: "not assessed" if v is None else str(v))
        after_impact = st.selectbox(
            "Impact after mitigation", residual, key=f"risk_residual_impact_{mine}",
            index=residual.index(now["residual_impact"]),
            format_func=lambda v: "not assessed" if v is None else str(v))
        review = st.date_input("Review on", value=now["review_on"], key=f"risk_review_on_{mine}")
        state = st.selectbox("Status", ("open", "closed"), key=f"risk_status_{mine}",
                             index=("open", "closed").index(now["status"]))
        if st.form_submit_button("Save risk"):
            try:
                changed = edit_programme_item(
                    engine(), "risks", edited[1], by=who, source_system=edited[0],
                    likelihood=likelihood, impact=impact, residual_likelihood=after_likelihood,
                    residual_impact=after_impact, review_on=review, status=state)
                st.success(md(f"Saved: {', '.join(changed) or 'nothing changed'}."))
            except ValueError as error:
                st.error(md(str(error)))
