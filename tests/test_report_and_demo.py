"""The cohort report and the demo: whole chain, offline output, clear summary."""

import json
import re

import pytest

from graders.report.page import write_report

from conftest import REPO, run_bdhvs
from resultkit import records_of


def external_references(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="(https?:[^"]*)"', html)


def charts(html: str) -> list[str]:
    """The opening tag of every inline SVG chart."""
    return re.findall(r"<svg\b[^>]*>", html)


def test_report_is_one_offline_file_with_scalable_charts(graded_course, tmp_path):
    path = write_report(graded_course, tmp_path / "report.html")
    html = path.read_text(encoding="utf-8")
    assert external_references(html) == [] and "<img" not in html and "<link" not in html
    assert "Báo cáo lớp học" in html and "perfect" in html and "blank" in html
    opened = charts(html)
    assert len(opened) >= 3
    for tag in opened:
        # no size of its own: the chart takes the column's width; a title and description
        # (role="img") say what it shows, and its data is a table in a fold beside it
        assert re.search(r'viewBox="0 0 \d+ \d+"', tag), tag
        assert not re.search(r"\s(width|height)=", tag), tag
        assert 'role="img"' in tag and "aria-labelledby=" in tag, tag
    assert html.count("<title id=") == len(opened) and html.count("<desc id=") == len(opened)
    assert html.count("Xem số liệu của biểu đồ") == len(opened)


def test_report_title_is_the_course_name_given(graded_course, tmp_path):
    out = tmp_path / "r.html"
    args = ("report", "--course", str(graded_course.root), "--out", str(out))
    result = run_bdhvs(*args, "--title", "Lớp bồi dưỡng kỹ năng số xã An Bình")
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert "<h1>Lớp bồi dưỡng kỹ năng số xã An Bình</h1>" in html


def test_report_recommends_modules_for_each_learners_gaps(graded_course):
    from graders.report.page import next_modules

    records = {r["learner"]: r for r in records_of(graded_course)}
    assert next_modules(records["perfect"], "vi") == ""
    assert "An toàn số" in next_modules(records["blank"], "vi")
    assert "Digital safety" in next_modules(records["blank"], "en")


def test_report_speaks_english_on_request(graded_course, tmp_path):
    result = run_bdhvs(
        "report",
        "--course",
        str(graded_course.root),
        "--out",
        str(tmp_path / "r.html"),
        "--lang",
        "en",
    )
    assert result.returncode == 0, result.stderr
    assert "Cohort report" in (tmp_path / "r.html").read_text(encoding="utf-8")


#: What grading writes for a technician, in English; the report says it in Vietnamese.
ENGLISH = ("not valid JSON", "deleted graded cells", "could not", "restored for grading", "Learner")


def visible(html: str) -> str:
    """The page's text a reader sees, folds opened: no script, no technician's English detail."""
    html = re.sub(r"<script.*?</script>", "", html, flags=re.S)
    html = re.sub(r'<ul lang="en">.*?</ul>', "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_demo_report_answers_first_then_folds_details_in_vietnamese(demo):
    """Units against their targets, who needs help and the weakest competences come first;
    the learner table, the questions (by their text), grading problems and integrity fold
    away; every message is Vietnamese; hand-scored written answers are not findings."""
    from graders.course.directory import Course
    from graders.course.roster import read_roster
    from graders.integrity.audit import manual_changes

    out, result = demo
    assert result.returncode == 0, result.stderr[-3000:]
    html = (out / "report.html").read_text(encoding="utf-8")
    course = Course.open(out / "course")
    order = [html.index(f'id="{name}"') for name in ("summary", "details", "learners", "items")]
    assert order == sorted(order) and html.index('id="integrity"') > order[-1]
    summary = html[order[0] : order[1]]
    units = {unit for unit in read_roster(course.roster_path).values() if unit}
    assert units and all(unit in summary for unit in units)
    assert "Chỉ tiêu đến hạn" in summary and "Năng lực yếu nhất" in summary
    for fold in ("learners", "items", "problems", "integrity"):
        assert f'<details id="{fold}"><summary>' in html, fold
    items = html[html.index('id="items"') : html.index('id="problems"')]
    assert "Câu 1: Chọn cách đặt mật khẩu" in items and "_kiem_tra" not in items
    assert manual_changes(course.db_url), "the demo's instructor scores written answers"
    integrity = html[html.index('id="integrity"') : html.index('id="learner-data"')]
    changes = integrity[integrity.index("Điểm bị sửa sau khi chấm") :]
    assert "Không có." in changes and "<td>" not in changes
    text = visible(html)
    assert [word for word in ENGLISH if word in text] == []
    assert "docs/" not in text and ".json" not in text and "Tệp bài làm bị hỏng" in text


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "out"
    result = run_bdhvs("demo", "--learners", "8", "--out", str(out))
    return out, result


def test_demo_writes_records_report_and_a_summary(demo):
    out, result = demo
    assert result.returncode == 0, result.stderr[-3000:]
    records = sorted((out / "learners").glob("*.json"))
    assert len(records) == 8
    assert (out / "records.csv").is_file()
    assert (out / "report.html").is_file()
    assert str(out / "report.html") in result.stdout
    assert "attained" in result.stdout


def test_demo_cohort_contains_a_corrupt_and_a_tampered_submission(demo):
    out, result = demo
    assert "could not grade" in result.stdout and "not valid JSON" in result.stdout
    assert "deleted graded cells" in result.stdout
    failed_learners = set()
    for path in (out / "learners").glob("*.json"):
        statuses = json.loads(path.read_text(encoding="utf-8"))["assignments"].values()
        if any(status["status"] == "failed" for status in statuses):
            failed_learners.add(path.stem)
        else:
            assert all(status["status"] == "graded" for status in statuses)
    assert len(failed_learners) == 1  # the learner whose notebooks are corrupt


def test_demo_ends_saying_every_planted_fault_was_caught_and_how_to_open_the_report(demo):
    """The closing summary names each planted fault as caught, by the learner whose records
    show it, marks the run's reports of it as planted, and points at files that exist."""
    from graders.demo.synthetic import FAULTS
    from graders.demo.verdict import MARK

    out, result = demo
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    ending = lines[lines.index("Faults the demo planted, to show that grading catches them:") :]
    assert len(ending) < 12, "\n".join(ending)
    caught = {}
    for fault in FAULTS:
        pattern = rf"  caught: (hv\d+) {re.escape(fault.planted)}: .* in all (\d+) assignments"
        found = [match for line in ending if (match := re.fullmatch(pattern, line))]
        assert len(found) == 1, "\n".join(ending)
        caught[fault.profile] = found[0][1]
        assert int(found[0][2]) == len(list((out / "course" / "release").iterdir()))
    assert not [line for line in ending if "NOT CAUGHT" in line or "UNEXPECTED" in line]
    assert "Nothing else was reported: no problem the demo did not plant." in ending
    record = json.loads((out / "learners" / f"{caught['corrupt']}.json").read_text("utf-8"))
    assert {a["status"] for a in record["assignments"].values()} == {"failed"}
    reported = [line for line in lines if line.startswith(("  could not grade", "  flagged"))]
    assert reported and all(
        re.match(rf"  [a-z ]+ hv\d+ {re.escape(MARK)}: ", line) for line in reported
    )
    for name in ("report.html", "learners", "records.csv", "paths.csv", "credentials"):
        assert (out / name).exists() and str(out / name) in result.stdout
    assert (out / "certificates").is_dir() and f"certificates -> {out / 'certificates'}" in lines
    report = (out / "report.html").as_uri()
    assert ending[-1] == f"Open the report (one offline file): python3 -m webbrowser {report}"


def test_demo_writes_what_bdhvs_records_writes_for_its_course(demo, tmp_path):
    """The demo writes its records and exports through bdhvs records' own function: the same
    course gives the same files, but for the time the records were made."""
    from graders.credentials.issuer import KEY_FILE

    out, result = demo
    assert result.returncode == 0, result.stderr[-3000:]
    again = tmp_path / "records"
    key = out / "demo-key" / KEY_FILE
    args = ("records", "--course", str(out / "course"), "--out", str(again), "--key", str(key))
    written = run_bdhvs(*args)
    assert written.returncode == 0, written.stderr
    names = sorted(p.name for p in (out / "learners").glob("*.json"))
    assert names and names == sorted(p.name for p in (again / "learners").glob("*.json"))

    def generated_at(folder):
        return json.loads((folder / "learners" / names[0]).read_text(encoding="utf-8"))[
            "generated_at"
        ]

    then, now = generated_at(out), generated_at(again)

    def made_now(text: str, twin: str) -> str:
        """``text`` with the time the demo's records were made put where its twin has the
        re-run's: a submission may share that second, so only the places that differ move
        (both times are written alike, so places line up)."""
        pieces = text.split(then)
        rebuilt = pieces[0]
        for piece in pieces[1:]:
            at = len(rebuilt)
            rebuilt += (now if twin[at : at + len(now)] == now else then) + piece
        return rebuilt

    files = [f"learners/{name}" for name in names] + ["records.csv", "paths.csv", "xapi.jsonl"]
    for name in files:
        theirs = (again / name).read_text(encoding="utf-8")
        assert made_now((out / name).read_text(encoding="utf-8"), theirs) == theirs, name
    summed_up = [line for line in result.stdout.splitlines() if "->" in line]
    assert summed_up == [
        line.replace(str(again), str(out))
        for line in written.stdout.splitlines()
        if "->" in line and "learner records ->" not in line and not line.startswith("table ->")
    ]


def test_demo_refuses_to_overwrite_a_folder_it_did_not_write(tmp_path):
    (tmp_path / "precious.txt").write_text("keep me")
    result = run_bdhvs("demo", "--learners", "2", "--out", str(tmp_path))
    assert result.returncode == 2 and "not empty" in result.stderr
    assert (tmp_path / "precious.txt").read_text() == "keep me"


def test_demo_exports_and_signs_credentials_with_a_demo_key_it_says_is_one(demo):
    out, result = demo
    assert result.returncode == 0, result.stderr[-3000:]
    assert "DEMO key" in result.stdout
    assert (out / "paths.csv").is_file() and (out / "xapi.jsonl").read_text(encoding="utf-8")
    profile = json.loads((out / "demo-key" / "issuer.json").read_text(encoding="utf-8"))
    assert profile["demo"] is True
    credentials = sorted((out / "credentials").glob("*/*.json"))
    assert credentials, "the demo cohort attains competences"
    for path in credentials[:3]:
        verified = run_bdhvs("credential", "verify", str(path), "--issuer", profile["id"])
        assert verified.returncode == 0, verified.stderr
        page = out / "certificates" / path.parent.name / f"{path.stem}.html"
        assert "BẢN MINH HỌA" in page.read_text(encoding="utf-8")


@pytest.mark.browser
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_browser_report_and_certificate_fit_the_screen_and_pass_axe(demo, size):
    """What a manager and a learner open, as they see it: nothing wider than the screen, with
    every fold open too; chart labels at least 12 px; the learner table shows one page of rows;
    no critical or serious accessibility violation (axe-core); screenshots in test-artifacts/."""
    from browser import axe_violations, chromium_page, require_browser_support

    require_browser_support()
    out, _ = demo
    certificate = next((out / "certificates").glob("*/*.html"))
    width, height = {"desktop": (1280, 960), "phone": (390, 844)}[size]
    artifacts = REPO / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    problems = []
    with chromium_page(width, height) as page:
        for name, path in (("report", out / "report.html"), ("certificate", certificate)):
            page.goto(path.as_uri())
            page.screenshot(path=str(artifacts / f"{name}-{size}.png"))
            wide = page.evaluate("document.documentElement.scrollWidth")
            if wide > width:
                problems.append(f"{name}: {wide}px wide on a {width}px screen")
            problems += [f"{name}: {line}" for line in axe_violations(page)]
        page.goto((out / "report.html").as_uri())
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        page.screenshot(path=str(artifacts / f"report-open-{size}.png"), full_page=True)
        wide = page.evaluate("document.documentElement.scrollWidth")
        if wide > width:
            problems.append(f"report, folds open: {wide}px wide on a {width}px screen")
        smallest = page.evaluate(SMALLEST_CHART_TEXT)
        if smallest < 12:
            problems.append(f"report: chart text {smallest:.1f}px high")
        rows = page.locator("#learner-table tbody tr").count()
        if not 0 < rows <= 50:
            problems.append(f"report: {rows} learner rows laid out")
        problems += [f"report, folds open: {line}" for line in axe_violations(page)]
    assert problems == [], "\n".join(problems)


#: The smallest chart text as drawn, in CSS px: its size in the view box times the scale.
SMALLEST_CHART_TEXT = """
Math.min(...[...document.querySelectorAll("svg.chart")].flatMap(svg => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll("text")].map(t => Number(t.getAttribute("font-size")) * scale);
}))
"""
