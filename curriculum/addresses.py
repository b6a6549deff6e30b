"""Where a learner's things are: the start page's file and the addresses a learner's server
answers (:mod:`curriculum.landing`). Kept apart from that server extension, so that a kernel
naming them (the start page's links) does not import Jupyter Server."""

START_PAGE = "bat_dau.ipynb"
START_PAGE_PATH = f"curriculum/{START_PAGE}"  # from the root of the learner's server
LANDING = "bat-dau"
FEEDBACK_ROUTE = f"{LANDING}/nhan-xet"
