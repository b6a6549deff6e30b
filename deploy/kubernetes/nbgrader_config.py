# nbgrader settings of every user server of the Kubernetes deployment (values.yaml), read from
# /etc/jupyter by nbgrader's commands and its JupyterLab extension.
import os

c = get_config()  # noqa: F821

# One exchange per deployment; each learner's pod sees only its cohort's folder of it.
c.Exchange.root = "/srv/nbgrader/exchange"
c.CourseDirectory.course_id = os.environ.get("BDHVS_COURSE", "cohort-01")

if os.environ.get("BDHVS_ROLE") == "learner":
    # Servers run as UIDs that have no name in the image: nbgrader would otherwise ask the
    # system for the user's name. The hub's login name is the pseudonymous learner id.
    c.CourseDirectory.student_id = os.environ["JUPYTERHUB_USER"]
