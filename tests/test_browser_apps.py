"""A task in a simulated app, done with taps in a real browser at phone and desktop size.

The learner opens the app in Voilà (outputs only, no code), pays a shop by transfer the way they
would on their phone, and the answer file beside the notebook records each tap. On a 390x844
screen nothing is wider than the screen, the app's text is at least 16 px and every button is at
least 44 px high. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from browser import KERNEL_TIMEOUT_MS, chromium_page, require_browser_support, voila
from conftest import REPO
from test_browser_lab import ARTIFACTS, write_notebook

pytestmark = pytest.mark.browser

SOLUTION = re.compile(r"^[ \t]*### BEGIN SOLUTION.*?^[ \t]*### END SOLUTION[^\n]*\n?", re.M | re.S)

APP_CELL = """\
from curriculum.toolkit.answers import answer_sheet
from curriculum.toolkit.apps.bank import BankApp

phieu = answer_sheet("ngan_hang")
chuyen_tien = BankApp("chuyen_tien", "Trả 500.000 đồng cho anh Trần Văn Đức", sheet=phieu)
chuyen_tien
"""

# Every element of the app narrower than the screen, its text and buttons large enough.
MEASURE = """() => {
  const app = document.querySelector('.bdhvs-app');
  const buttons = [...app.querySelectorAll('button')].filter(b => b.offsetParent !== null);
  const texts = [...app.querySelectorAll('.widget-html-content, button')]
      .filter(e => e.offsetParent !== null && e.textContent.trim());
  return {
    page: document.documentElement.scrollWidth,
    app: app.getBoundingClientRect().right,
    lowest_button: Math.min(...buttons.map(b => b.getBoundingClientRect().height)),
    smallest_text: Math.min(...texts.map(e => parseFloat(getComputedStyle(e).fontSize))),
  };
}"""


@pytest.mark.parametrize(("size", "width", "height"), [("phone", 390, 844), ("desktop", 1280, 900)])
def test_a_learner_pays_by_transfer_with_taps_and_each_tap_is_saved(
    tmp_path: Path, size: str, width: int, height: int
) -> None:
    require_browser_support()
    from playwright.sync_api import expect

    cells = [
        nbformat.v4.new_markdown_cell("# Chuyển tiền trong ứng dụng ngân hàng giả định"),
        nbformat.v4.new_code_cell(APP_CELL),
    ]
    write_notebook(tmp_path / "app", "ngan_hang.ipynb", cells)
    answers = tmp_path / "app" / "ngan_hang.answers.json"

    with (
        voila(tmp_path / "app" / "ngan_hang.ipynb", ARTIFACTS / f"voila-app-{size}.log") as server,
        chromium_page(width, height) as page,
    ):
        page.goto(server.page_url())
        app = page.locator(".bdhvs-app")
        expect(app).to_be_visible(timeout=KERNEL_TIMEOUT_MS)
        expect(page.get_by_text("BankApp(")).to_have_count(0)  # no code on screen
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"app-bank-home-{size}.png", full_page=True)

        app.get_by_role("button", name="💸 Chuyển tiền").click()
        app.get_by_role("button", name="Ngân hàng Trúc Xanh").click()
        app.get_by_placeholder("Số tài khoản").fill("0000 2468 1357")
        app.get_by_role("button", name="Tiếp tục").click()
        expect(app.get_by_text("TRAN VAN DUC").first).to_be_visible()
        app.get_by_placeholder("Số tiền (ví dụ 500.000 hoặc 500 nghìn)").fill("500 nghìn")
        app.get_by_placeholder("Nội dung chuyển khoản").fill("Tra tien hang")
        app.get_by_role("button", name="Tiếp tục").click()
        expect(app.get_by_role("button", name="✔ Xác nhận")).to_be_visible()
        sizes = page.evaluate(MEASURE)
        page.screenshot(path=ARTIFACTS / f"app-bank-confirm-{size}.png", full_page=True)

    saved = json.loads(answers.read_text(encoding="utf-8"))["answers"]["chuyen_tien"]["value"]
    assert [a["action"] for a in saved] == [
        "open",
        "choose_bank",
        "type_account",
        "enter_details",
    ]
    assert saved[2]["account"] == "0000 2468 1357" and saved[3]["amount"] == "500 nghìn"
    assert sizes["page"] <= width and sizes["app"] <= width, sizes
    assert sizes["lowest_button"] >= 44, sizes
    assert sizes["smallest_text"] >= 16, sizes


def _app_classes() -> list[str]:
    """The names of the simulated apps: every AppTask subclass in the learner library, the
    toolkit's apps and the modules' own."""
    import importlib
    import pkgutil

    import curriculum
    from curriculum.toolkit.apps.app import AppTask

    names = set()
    for found in pkgutil.walk_packages(curriculum.__path__, "curriculum."):
        module = importlib.import_module(found.name)
        names |= {
            name
            for name, value in vars(module).items()
            if isinstance(value, type) and issubclass(value, AppTask) and value is not AppTask
        }
    return sorted(names)


def _app_notebook(folder: Path, assignment: str) -> tuple[Path, int]:
    """A notebook that builds every task in a simulated app of ``assignment``, unanswered (its
    code cells as a learner receives them, without the test cells), and how many it builds."""
    builds_a_task = re.compile(rf"^\w+ = ({'|'.join(_app_classes())})\(", re.M)
    cells = [nbformat.v4.new_markdown_cell(f"# Ứng dụng mô phỏng: {assignment}")]
    tasks = 0
    for source in sorted((REPO / "assignments" / assignment).glob("*.ipynb")):
        for cell in nbformat.read(source, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type != "code" or (meta.get("grade") and not meta.get("solution")):
                continue
            released = SOLUTION.sub("", cell.source)
            if "check_button(" not in released:
                cells.append(nbformat.v4.new_code_cell(released))
                tasks += len(builds_a_task.findall(released))
    cells.append(nbformat.v4.new_markdown_cell("Hết danh sách ứng dụng."))
    write_notebook(folder, f"{assignment}.ipynb", cells)
    return folder / f"{assignment}.ipynb", tasks


WITH_APPS = sorted(
    path.parent.name
    for path in (REPO / "assignments").glob("*/*.ipynb")
    if "curriculum.toolkit.apps." in path.read_text(encoding="utf-8")
    or "curriculum.modules.tap_huan_vien.classroom" in path.read_text(encoding="utf-8")
)


def test_the_assignments_hold_tasks_in_many_simulated_apps():
    assert len(WITH_APPS) >= 12


@pytest.mark.parametrize("assignment", WITH_APPS)
def test_every_task_in_a_simulated_app_fits_a_phone_with_large_text_and_targets(
    tmp_path: Path, assignment: str
) -> None:
    require_browser_support()
    from playwright.sync_api import expect

    notebook, tasks = _app_notebook(tmp_path / "apps", assignment)
    with (
        voila(notebook, ARTIFACTS / f"voila-apps-{assignment}.log") as server,
        chromium_page(390, 844) as page,
    ):
        page.goto(server.page_url())
        apps = page.locator(".bdhvs-app")
        assert tasks >= 1
        expect(apps).to_have_count(tasks, timeout=KERNEL_TIMEOUT_MS)
        expect(page.get_by_text("Hết danh sách ứng dụng.")).to_be_visible()
        measured = page.evaluate(APP_SIZES)
        ARTIFACTS.mkdir(exist_ok=True)
        apps.first.screenshot(path=ARTIFACTS / f"app-phone-{assignment}.png")
    assert measured["page"] <= 390, measured
    assert not measured["wider"], measured["wider"][:5]
    assert not measured["small_buttons"], measured["small_buttons"][:5]
    assert not measured["small_text"], measured["small_text"][:5]


APP_SIZES = """() => {
  const shown = e => e.offsetParent !== null;
  const name = e => (e.textContent || '').trim().slice(0, 40);
  const apps = [...document.querySelectorAll('.bdhvs-app')];
  const inside = selector => apps.flatMap(app => [...app.querySelectorAll(selector)]).filter(shown);
  return {
    page: document.documentElement.scrollWidth,
    wider: apps.filter(app => app.getBoundingClientRect().right > 390).map(name),
    small_buttons: inside('button').filter(b => b.getBoundingClientRect().height < 44).map(name),
    small_text: inside('.widget-html-content, button, label, input')
      .filter(e => parseFloat(getComputedStyle(e).fontSize) < 16).map(name),
  };
}"""
