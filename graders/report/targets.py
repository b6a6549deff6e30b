"""Progress to the movement's targets, by organisational unit and target group.

Each learner belongs to a target group, named by the ``path`` column of the roster or, without
one, the report's default group; the group's learning path decides whether the learner has
completed. For every unit and group the report shows the share who completed against two of
the group's dated targets (``curriculum/framework/targets.json``): the one *due* on the report
date (the latest deadline already reached), which decides whether the unit is below target, and
the *next* one. Completion dates in the records give the progress over time, drawn against the
group's dated targets.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from curriculum.framework import Target, load_framework, load_targets
from graders.report import svg

LABELS = {
    "vi": {
        "heading": "Tiến độ so với chỉ tiêu",
        "help": "Chỉ tiêu của phong trào là tỉ lệ người trong mỗi nhóm đối tượng đã hoàn thành "
        "lộ trình học của nhóm, đến một ngày nhất định. Ở đây so với chỉ tiêu đã đến hạn vào "
        "ngày lập báo cáo (vạch đen trên thanh). Chỉ tiêu tính trên người được xác nhận trên "
        "VNeID, còn báo cáo này đếm học viên của khóa học, nên chỉ là ước lượng. Dấu †: con số "
        "chưa được đối chiếu với văn bản gốc, cần kiểm tra trước khi báo cáo chính thức.",
        "plot": "Tỉ lệ hoàn thành lộ trình so với chỉ tiêu, theo đơn vị",
        "plot_text": "Mỗi thanh là tỉ lệ học viên của một đơn vị đã hoàn thành lộ trình; vạch đen "
        "là chỉ tiêu đến hạn; thanh đỏ là đơn vị dưới chỉ tiêu.",
        "timeline": "Tiến độ theo thời gian: {group}",
        "timeline_text": "Đường xanh: tỉ lệ học viên nhóm {group} đã hoàn thành lộ trình theo "
        "ngày nộp bài; hình thoi đỏ: các chỉ tiêu theo hạn. Hôm nay: {share}%.",
        "unit": "Đơn vị",
        "group": "Nhóm đối tượng",
        "learners": "Học viên",
        "completed": "Đã hoàn thành",
        "share": "Tỉ lệ (%)",
        "progress": "Tiến độ trung bình (%)",
        "due": "Chỉ tiêu đến hạn",
        "next": "Chỉ tiêu kế tiếp",
        "status": "Tình trạng",
        "shortfall": "Còn thiếu (người)",
        "below": "dưới chỉ tiêu",
        "met": "đạt chỉ tiêu",
        "not_due": "chưa có chỉ tiêu đến hạn",
        "target": "{pct}% đến {day}",
        "actual": "đã hoàn thành (thực tế)",
        "targets": "chỉ tiêu",
        "today": "ngày lập báo cáo",
        "day": "Ngày",
        "no_unit": "(chưa rõ đơn vị)",
        "date": "%d/%m/%Y",
    },
    "en": {
        "heading": "Progress to targets",
        "help": "The movement's targets are the share of each target group who completed the "
        "group's learning path by a date. Shown against the target due on the report date "
        "(black mark on the bar). Targets count people confirmed on VNeID, this report counts "
        "the course's learners: an estimate only. †: not yet checked against the document that "
        "set it.",
        "plot": "Share who completed their path against the target, by unit",
        "plot_text": "Each bar is the share of a unit's learners who completed their path; the "
        "black mark is the target due; red bars are units below target.",
        "timeline": "Progress over time: {group}",
        "timeline_text": "Blue line: share of {group} who completed their path, by submission "
        "date; red diamonds: the dated targets. Today: {share}%.",
        "unit": "Unit",
        "group": "Target group",
        "learners": "Learners",
        "completed": "Completed",
        "share": "Share (%)",
        "progress": "Mean progress (%)",
        "due": "Target due",
        "next": "Next target",
        "status": "Status",
        "shortfall": "Short by (people)",
        "below": "below target",
        "met": "target met",
        "not_due": "no target due yet",
        "target": "{pct}% by {day}",
        "actual": "completed (actual)",
        "targets": "targets",
        "today": "report date",
        "day": "Date",
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
    """What the report shows: labels, the rows, the table (``table``), and the charts: the
    units against their targets, and per group its progress over time against its targets."""
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
    charts = []
    timelines = []
    if rows:
        bars = [
            svg.Bar(
                f"{r.unit} · {group_name[r.path]}",
                100 * r.share,
                f"{100 * r.share:.0f}%",
                accent=r.status == "below",
                mark=100 * r.due.share if r.due else None,
            )
            for r in rows
        ]
        legend = [(svg.CALM, t["met"]), (svg.ACCENT, t["below"]), ("mark", t["due"])]
        charts.append(
            svg.Chart(
                t["plot"],
                t["plot_text"],
                svg.bars("targets", t["plot"], t["plot_text"], bars, legend=legend),
                [t["unit"], t["share"], t["due"], t["status"]],
                [
                    [b.label, b.text, row["due"], row["status"]]
                    for b, row in zip(bars, table, strict=True)
                ],
            )
        )
        series = completion_series(records, paths, default_path)
        targets = load_targets()
        legend_words = {k: t[k] for k in ("actual", "targets", "today", "date")}
        for number, (group, points) in enumerate(series.items()):
            name = group_name[group]
            dated = [(x.by, x.share) for x in targets.get(group, ())]
            share = f"{100 * points[-1][1]:.0f}" if points else "0"
            title = t["timeline"].format(group=name)
            text = t["timeline_text"].format(group=name, share=share)
            timelines.append(
                svg.Chart(
                    title,
                    text,
                    svg.timeline(f"time{number}", title, text, points, dated, on, legend_words),
                    [t["day"], t["share"]],
                    [[d.strftime(t["date"]), f"{100 * v:.0f}"] for d, v in points]
                    + [
                        [f"{d.strftime(t['date'])} ({t['targets']})", f"{100 * v:.0f}"]
                        for d, v in dated
                    ],
                )
            )
    return {"t": t, "rows": rows, "table": table, "charts": charts, "timelines": timelines}
