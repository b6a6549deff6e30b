# A learner's JupyterLab and Notebook 7 speak Vietnamese, show no news pop-up and no extension
# manager, and render every cell of a notebook (so that the browser's search finds any of them):
# the settings of lab-settings/overrides.json are their defaults.
from pathlib import Path

c = get_config()  # noqa: F821

c.LabServerApp.app_settings_dir = str(Path(__file__).resolve().parents[1] / "lab-settings")

# A learner's server starts nothing a learner does not use: no extension manager (it asks PyPI),
# no language servers and no terminals (jupyter_server_config.json), no build check (the page
# configuration in labconfig/: it runs node and yarn on every page load).
c.LabApp.extension_manager = "readonly"
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
