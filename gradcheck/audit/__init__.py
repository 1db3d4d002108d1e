"""Auditing of untrusted student backprop code.

Student code never runs inside the auditing process: every submission is
executed in its own sandboxed child process (see :mod:`gradcheck.audit.sandbox`).
This package deliberately imports nothing heavy at import time.
"""
