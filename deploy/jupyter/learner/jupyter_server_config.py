# A learner's JupyterLab and Notebook 7 speak Vietnamese, show no news pop-up and no extension
# manager, and render every cell of a notebook (so that the browser's search finds any of them):
# the settings of lab-settings/overrides.json are their defaults.
import os
from pathlib import Path

c = get_config()  # noqa: F821

c.LabServerApp.app_settings_dir = str(Path(__file__).resolve().parents[1] / "lab-settings")

# A learner's server starts nothing a learner does not use: no extension manager (it asks PyPI),
# no language servers and no terminals (jupyter_server_config.json), no build check (the page
# configuration in labconfig/: it runs node and yarn on every page load).
c.LabApp.extension_manager = "readonly"
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"

# On the training hub (the spawner names the cohort) a learner's server opens on the start page
# (curriculum.landing: JupyterLab on a computer, Voilà on a phone), in the learner's own copy of
# the lessons, made at their first start.
if os.environ.get("BDHVS_COHORT"):
    from curriculum.learner_copy import give_lessons

    give_lessons(Path.home())
    c.ServerApp.default_url = "/bat-dau"
