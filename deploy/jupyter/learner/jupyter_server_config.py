# A learner's JupyterLab and Notebook 7 speak Vietnamese, show no news pop-up and no extension
# manager, and render every cell of a notebook (so that the browser's search finds any of them):
# the settings of lab-settings/overrides.json are their defaults.
from pathlib import Path

c = get_config()  # noqa: F821

c.LabServerApp.app_settings_dir = str(Path(__file__).resolve().parents[1] / "lab-settings")
