"""Progress to the movement's targets, by organisational unit and target group.

Each learner belongs to a target group, named by the ``path`` column of the roster or, without
one, the report's default group; the group's learning path decides whether the learner has
completed. For every unit and group the report shows the share who completed against two of
the group's dated targets (``curriculum/framework/targets.json``): the one *due* on the report
date (the latest deadline already reached), which decides whether the unit is below target, and
the *next* one. Completion dates in the records give the progress over time.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from curriculum.framework import Target, load_framework, load_targets
from graders.report import plots

LABELS = {
    "vi": {
        "heading": "Tiến độ so với chỉ tiêu",
        "help": "Tỉ lệ học viên đã hoàn thành lộ trình của nhóm mình, theo đơn vị và nhóm đối "
        "tượng, so với chỉ tiêu đã đến hạn vào ngày lập báo cáo (vạch liền) và chỉ tiêu kế tiếp "
        "(vạch đứt). Tiến độ trung bình: tỉ lệ năng lực bắt buộc đã đạt. Chỉ tiêu lấy từ "
        "curriculum/framework/targets.json; dấu † đánh dấu chỉ tiêu chưa được đối chiếu với văn "
        "bản gốc. Chỉ tiêu tính trên người được xác nhận trên VNeID, còn đây là học viên của khóa "
        "học: chỉ là ước lượng.",
        "plot": "Tỉ lệ hoàn thành lộ trình so với chỉ tiêu, theo đơn vị",
        "timeline": "Tỉ lệ hoàn thành lộ trình theo thời gian, so với các chỉ tiêu",
        "unit": "Đơn vị",
        "group": "Nhóm đối tượng",
        "learners": "Học viên",
        "completed": "Đã hoàn thành",
        "share": "Tỉ lệ (%)",
        "progress": "Tiến độ trung bình (%)",
        "due": "Chỉ tiêu đến hạn",
        "next": "Chỉ tiêu kế tiếp",
        "status": "Tình trạng",
        "shortfall": "Còn thiếu",
        "below": "dưới chỉ tiêu",
        "met": "đạt chỉ tiêu",
        "ok": "đạt hoặc chưa đến hạn",
        "not_due": "chưa có chỉ tiêu đến hạn",
        "target": "{pct}% đến {day}",
        "today": "ngày lập báo cáo",
        "targets": "chỉ tiêu",
        "no_unit": "(chưa rõ đơn vị)",
        "date": "%d/%m/%Y",
    },
    "en": {
        "heading": "Progress to targets",
        "help": "Share of learners who completed their group's learning path, by unit and "
        "target group, against the target due on the report date (solid mark) and the next "
        "target (dashed mark). Mean progress: share of the required competences met. Targets "
        "come from curriculum/framework/targets.json; † marks a target not checked against the "
        "document that set it. Targets count people confirmed on VNeID, this counts the "
        "course's learners: an estimate only.",
        "plot": "Share who completed their path against the targets, by unit",
        "timeline": "Share who completed their path over time, against the targets",
        "unit": "Unit",
        "group": "Target group",
        "learners": "Learners",
        "completed": "Completed",
        "share": "Share (%)",
        "progress": "Mean progress (%)",
        "due": "Target due",
        "next": "Next target",
        "status": "Status",
        "shortfall": "Short by",
        "below": "below target",
        "met": "target met",
        "ok": "met, or none due yet",
        "not_due": "no target due yet",
        "target": "{pct}% by {day}",
        "today": "report date",
        "targets": "targets",
        "no_unit": "(unit unknown)",
        "date": "%Y-%m-%d",
    },
}


@dataclass(frozen=True)
class UnitProgress:
    """The learners of one unit in one target group, and where they stand."""

    unit: str
    path: str
    learners: int
    completed: int
    progress: float  # mean share of the path's required competences met
    due: Target | None
    next: Target | None

    @property
    def share(self) -> float:
        return self.completed / self.learners if self.learners else 0.0

    @property
    def status(self) -> str:
        if self.due is None:
            return "not_due"
        return "below" if self.share < self.due.share else "met"

    @property
    def shortfall(self) -> int:
        """Learners still to complete for the target due (0 when met or none is due)."""
        if self.due is None:
            return 0
        return max(0, math.ceil(round(self.due.share * self.learners, 9)) - self.completed)


def due_and_next(targets: tuple[Target, ...], on: date) -> tuple[Target | None, Target | None]:
    """The latest target whose deadline is ``on`` or before, and the first one after it."""
    due = [t for t in targets if t.by <= on]
    upcoming = [t for t in targets if t.by > on]
    return (due[-1] if due else None), (upcoming[0] if upcoming else None)


def learner_group(record: dict[str, Any], paths: dict[str, str], default_path: str) -> str:
    return paths.get(record["learner"], default_path)


def unit_progress(
    records: list[dict[str, Any]],
    paths: dict[str, str],
    default_path: str,
    on: date,
    no_unit: str = "",
) -> list[UnitProgress]:
    """Progress of every unit and target group, sorted by group, then the furthest behind."""
    targets = load_targets()
    members: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        group = learner_group(record, paths, default_path)
        members[(record["unit"] or no_unit, group)].append(record)
    rows = []
    for (unit, group), group_records in members.items():
        entries = [r["paths"][group] for r in group_records]
        due, upcoming = due_and_next(targets.get(group, ()), on)
        rows.append(
            UnitProgress(
                unit=unit,
                path=group,
                learners=len(entries),
                completed=sum(e["completed"] for e in entries),
                progress=sum(e["met"] / e["required"] for e in entries) / len(entries),
                due=due,
                next=upcoming,
            )
        )
    order = {p.id: i for i, p in enumerate(load_framework().paths)}
    return sorted(rows, key=lambda r: (order[r.path], r.share, r.unit))


def completion_series(
    records: list[dict[str, Any]], paths: dict[str, str], default_path: str
) -> dict[str, list[tuple[date, float]]]:
    """Per target group, (day, cumulative share of the group that had completed by then)."""
    days: dict[str, list[date]] = defaultdict(list)
    sizes: dict[str, int] = defaultdict(int)
    for record in records:
        group = learner_group(record, paths, default_path)
        sizes[group] += 1
        entry = record["paths"][group]
        if entry["completed"] and entry.get("completed_at"):
            days[group].append(datetime.fromisoformat(entry["completed_at"]).date())
    series: dict[str, list[tuple[date, float]]] = {}
    for group, size in sizes.items():
        points: list[tuple[date, float]] = []
        for count, day in enumerate(sorted(days[group]), 1):
            if points and points[-1][0] == day:
                points.pop()
            points.append((day, count / size))
        series[group] = points
    return series


def progress_section(
    records: list[dict[str, Any]],
    paths: dict[str, str],
    default_path: str,
    lang: str,
    on: date,
) -> dict[str, Any]:
    """What the report shows: labels, the table rows (``data``) and the two figures."""
    t = LABELS[lang]
    framework = load_framework()
    group_name = {p.id: p.target_group(lang) for p in framework.paths}
    rows = unit_progress(records, paths, default_path, on, t["no_unit"])

    def describe(target: Target | None) -> str:
        if target is None:
            return "–"
        text = t["target"].format(pct=round(100 * target.share), day=target.by.strftime(t["date"]))
        return text + (" †" if target.uncertain else "")

    table = [
        {
            "unit": r.unit,
            "group": group_name[r.path],
            "learners": r.learners,
            "completed": r.completed,
            "share": 100 * r.share,
            "progress": 100 * r.progress,
            "due": describe(r.due),
            "next": describe(r.next),
            "status": t[r.status],
            "below": r.status == "below",
            "shortfall": r.shortfall,
        }
        for r in rows
    ]
    figures = []
    if rows:
        figures.append(
            plots.target_progress(
                [f"{r.unit} · {group_name[r.path]}" for r in rows],
                [r.share for r in rows],
                [r.status == "below" for r in rows],
                [r.due.share if r.due else None for r in rows],
                [r.next.share if r.next else None for r in rows],
                [f"{r.completed}/{r.learners}" for r in rows],
                {k: t[k] for k in ("due", "next", "below", "ok")},
                t["plot"],
            )
        )
        series = completion_series(records, paths, default_path)
        targets = load_targets()
        figures.append(
            plots.completion_over_time(
                {group_name[g]: points for g, points in series.items()},
                {group_name[g]: [(x.by, x.share) for x in targets.get(g, ())] for g in series},
                on,
                {"today": t["today"], "targets": t["targets"]},
                t["timeline"],
            )
        )
    return {"t": t, "rows": rows, "table": table, "figures": figures}
