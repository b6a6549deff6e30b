# Self-study (``make lab``, Binder): a learner's view (the learner's settings, loaded below) with
# no course, so none of nbgrader's panels or exchange, opening on the start page.
from pathlib import Path

c = get_config()  # noqa: F821
load_subconfig(  # noqa: F821
    "jupyter_server_config.py", path=str(Path(__file__).resolve().parents[1] / "learner")
)

c.ServerApp.jpserver_extensions = {
    "nbgrader.server_extensions.formgrader": False,
    "nbgrader.server_extensions.course_list": False,
    "nbgrader.server_extensions.assignment_list": False,
    "nbgrader.server_extensions.validate_assignment": False,
    "jupyter_lsp": False,
    "jupyter_server_terminals": False,
    "curriculum.landing": True,
}
# The start page, in JupyterLab or on a phone in Voilà (curriculum.landing); ``jupyter lab``
# takes JupyterLab's own default, so both are set.
c.ServerApp.default_url = "/bat-dau"
c.LabApp.default_url = "/bat-dau"
