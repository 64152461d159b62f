"""Reports of problems (R21.1d, R21.1e, R21.2c, R4.3): deadlines, routing
and mail, hiding a resource pending review, labels, the sweep and the
pages. Tables in ``model/report.py``, actions in ``logic/report_action.py``,
who may do what in ``logic/report_auth.py``."""
