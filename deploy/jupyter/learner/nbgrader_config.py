# nbgrader settings of a learner's server on the training hub. The hub's spawner
# (graders.hub.training.TrainingSpawner) sets the environment: the cohort is the nbgrader course.
import os

c = get_config()  # noqa: F821

c.CourseDirectory.course_id = os.environ["BDHVS_COHORT"]
c.Exchange.root = os.environ["BDHVS_EXCHANGE"]
# Submissions readable by the cohort's instructors only (nbgrader's default: by anyone).
c.ExchangeFactory.submit = "graders.hub.exchange.PrivateSubmit"
