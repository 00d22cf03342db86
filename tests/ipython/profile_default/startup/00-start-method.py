# Loaded by every kernel the tests start (they point IPYTHONDIR here): the
# start method comes from the environment, so the notebooks stay untouched.
import multiprocessing
import os

if os.environ.get("COURSE_START_METHOD"):
    multiprocessing.set_start_method(os.environ["COURSE_START_METHOD"], force=True)
del multiprocessing, os
