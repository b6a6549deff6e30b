"""The movement's dated targets as data, and the report's progress to them by unit and group."""

from __future__ import annotations

import copy
import re
from datetime import date

import jsonschema
import pytest

from curriculum.framework import load_framework, load_targets, read_json, validate_data
from graders.common.errors import BdhvsError
from graders.course.roster import read_roster_paths
from graders.records.maker import validate_record
from graders.records.rollup import RollupPolicy
from graders.report.page import render_report, report_context
from graders.report.targets import completion_series, due_and_next, progress_section, unit_progress

from gradekit import tiny_course

PATHS = [p.id for p in load_framework().paths]


def record(learner: str, unit: str | None, completed: dict[str, str | None]) -> dict:
    """A learner record, valid against the record schema, that completed the paths given (with
    their completion times) and none of the others."""
    entry = {
        "schema": "bdhvs/learner-record/2",
        "learner": learner,
        "unit": unit,
        "framework": load_framework().id,
        "generated_at": "2026-01-20T08:00:00+00:00",
        "policy": {"mastery": 0.8, "attempts": "latest"},
        "competences": {},
        "assignments": {},
        "paths": {
            p: {
                "completed": p in completed,
                "met": 4 if p in completed else 1,
                "required": 4,
                "missing": [] if p in completed else ["1.1", "1.2", "1.3"],
                "completed_at": completed.get(p),
            }
            for p in PATHS
        },
    }
    validate_record(entry)
    return entry


def cohort() -> tuple[list[dict], dict[str, str]]:
    """Unit A: 4 officials, all completed. Unit B: 5 officials, 2 completed. Unit C: 2 citizens
    (named so by the roster's path column), 1 completed."""
    done = "2025-11-03T10:00:00+00:00"
    records = [record(f"a{i}", "A", {"officials": done}) for i in range(4)]
    records += [record(f"b{i}", "B", {"officials": done} if i < 2 else {}) for i in range(5)]
    records += [
        record("c0", "C", {"citizens": "2025-12-20T10:00:00+00:00"}),
        record("c1", "C", {"officials": done}),  # completed another group's path only
    ]
    return records, {"c0": "citizens", "c1": "citizens"}


def svg_height(chart) -> float:
    """The height of a chart's view box; a chart has no fixed size, so it scales to the page."""
    opening = chart.svg[: chart.svg.index(">")]
    assert "width=" not in opening.replace("stroke-width", "")
    return float(re.search(r'viewBox="0 0 [\d.]+ ([\d.]+)"', opening)[1])


def test_targets_data_validates_and_dates_every_target_group():
    data = validate_data("targets.json")
    targets = load_targets()
    assert set(targets) == set(PATHS)
    for group, entries in targets.items():
        assert [t.by for t in entries] == sorted(t.by for t in entries), group
        assert all(0 < t.share <= 1 and t.source("vi") and t.source("en") for t in entries)
    raw = {g["path"]: g["targets"] for g in data["groups"]}
    uncertain = [t for entries in raw.values() for t in entries if t["uncertain"]]
    assert all("note" in t or "kế hoạch" in t["source"]["vi"] for t in uncertain)


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d["groups"][0]["targets"][0].update(share=1.5),
        lambda d: d["groups"][0]["targets"][0].pop("source"),
        lambda d: d["groups"][0]["targets"][0].update(by="31/12/2025"),
        lambda d: d["groups"][0].update(path="pupils"),
    ],
    ids=["share-above-one", "no-source", "date-not-iso", "unknown-group"],
)
def test_targets_schema_rejects_damaged_data(damage):
    data = copy.deepcopy(read_json("targets.json"))
    damage(data)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, read_json("targets.schema.json"))


def test_the_target_due_is_the_last_deadline_reached_and_the_next_one_follows():
    officials = load_targets()["officials"]
    first, second = officials[0], officials[1]
    assert due_and_next(officials, first.by.replace(month=1, day=1)) == (None, first)
    assert due_and_next(officials, first.by) == (first, second)
    assert due_and_next(officials, second.by.replace(day=1)) == (first, second)
    assert due_and_next(officials, second.by.replace(year=second.by.year + 1)) == (second, None)


def test_a_unit_below_its_due_target_is_marked_below_with_how_many_are_missing():
    records, paths = cohort()
    officials, citizens = load_targets()["officials"][0], load_targets()["citizens"][0]
    on = officials.by.replace(year=officials.by.year + 1, month=1, day=15)
    rows = {(r.unit, r.path): r for r in unit_progress(records, paths, "officials", on)}
    assert set(rows) == {("A", "officials"), ("B", "officials"), ("C", "citizens")}
    a, b, c = rows[("A", "officials")], rows[("B", "officials")], rows[("C", "citizens")]
    assert (a.learners, a.completed, a.status, a.shortfall) == (4, 4, "met", 0)
    assert (b.learners, b.completed, b.share) == (5, 2, 0.4)
    assert b.due == officials and b.status == "below"
    assert b.shortfall == round(officials.share * 5) - 2
    assert (c.learners, c.completed, c.due) == (2, 1, citizens)
    assert c.status == ("met" if citizens.share <= 0.5 else "below")
    assert b.progress == pytest.approx((2 * 4 + 3 * 1) / (5 * 4))


def test_before_any_deadline_nothing_is_below_and_the_next_target_is_shown():
    records, paths = cohort()
    first = load_targets()["officials"][0]
    rows = unit_progress(records, paths, "officials", first.by.replace(month=1, day=1))
    assert {r.status for r in rows} == {"not_due"}
    assert {r.next for r in rows if r.path == "officials"} == {first}


def test_completion_over_time_is_the_cumulative_share_of_each_group():
    records, paths = cohort()
    series = completion_series(records, paths, "officials")
    assert series["officials"] == [(date(2025, 11, 3), 6 / 9)]
    assert series["citizens"] == [(date(2025, 12, 20), 1 / 2)]


def test_the_plot_stays_readable_with_dozens_of_units():
    records = [record(f"u{u}x{i}", f"Unit {u:02d}", {}) for u in range(40) for i in range(3)]
    few = progress_section(records[:9], {}, "officials", "vi", date(2026, 3, 1))
    many = progress_section(records, {}, "officials", "vi", date(2026, 3, 1))
    assert len(many["table"]) == 40 and all(row["below"] for row in many["table"])
    assert svg_height(many["charts"][0]) > 4 * svg_height(few["charts"][0])


def test_roster_path_column_is_optional_and_an_unknown_path_is_named(tmp_path):
    roster = tmp_path / "learners.csv"
    roster.write_text("learner,unit\nhv001,A\n", encoding="utf-8")
    assert read_roster_paths(roster, set(PATHS)) == {}
    roster.write_text("learner,unit,path\nhv001,A,students\nhv002,A,\nhv003,B,pupils\n")
    with pytest.raises(BdhvsError, match=r"line 4: learner 'hv003' has unknown path 'pupils'"):
        read_roster_paths(roster, set(PATHS))


def test_report_shows_units_below_target_with_offline_plots(tmp_path):
    course = tiny_course(tmp_path / "cohort", tmp_path / "sources")
    course.roster_path.write_text(
        "learner,unit,path\nhv001,Phường 1,\nhv002,Phường 1,\nhv003,Xã 2,citizens\n",
        encoding="utf-8",
    )
    on = load_targets()["officials"][0].by.replace(month=12, day=31)
    context = report_context(course, "en", RollupPolicy(), "officials", on=on)
    rows = {(r.unit, r.path): r for r in context["progress"]["rows"]}
    assert {k: (r.learners, r.completed, r.status) for k, r in rows.items()} == {
        ("Phường 1", "officials"): (2, 0, "below"),
        ("Xã 2", "citizens"): (1, 0, "below"),
    }
    html = render_report(context)
    assert html.count('class="below"') == 2
    assert "Progress to targets" in html
    charts = context["progress"]["charts"] + context["progress"]["timelines"]
    assert len(charts) == 3 and all(svg_height(c) > 100 for c in charts)  # units; two groups
    assert all(c.svg in html for c in charts)
    assert "http://" not in html and "https://" not in html
