"""nbgrader's submit, with the submission closed to other learners.

nbgrader's default exchange leaves a submission world-readable (files 0644) in a world-writable
folder (0777), hidden only by its unlistable inbound and a random name: whoever learns the name
can read it and replace its files. Here the submission folder is 0770 and its files 0640. The
inbound folder is set-group-ID to the cohort's instructor group, so the instructors (and only
they) read and collect it through the group: every file of the submission must be created while
its folder still carries that bit, which ``shutil.copytree`` (nbgrader's copy) would clear by
copying the folder's mode from the learner's own folder.
"""

from __future__ import annotations

import os

from nbgrader.exchange.default.submit import ExchangeSubmit

SUBMISSION_DIR_MODE = 0o770
SUBMISSION_FILE_MODE = 0o640


class PrivateSubmit(ExchangeSubmit):
    def do_copy(self, src: str, dest: str, log=None) -> None:
        if os.path.dirname(os.path.abspath(dest)) != os.path.abspath(self.inbound_path):
            super().do_copy(src, dest, log)  # the learner's own cache
            return
        os.mkdir(dest)  # inherits the inbound's group and set-group-ID bit
        staging = os.path.join(dest, ".copy")
        super().do_copy(src, staging, log)
        for name in os.listdir(staging):
            os.rename(os.path.join(staging, name), os.path.join(dest, name))
        os.rmdir(staging)

    def copy_files(self) -> None:
        super().copy_files()
        destination = os.path.join(self.inbound_path, self.assignment_filename)
        self.set_perms(destination, fileperms=SUBMISSION_FILE_MODE, dirperms=SUBMISSION_DIR_MODE)
