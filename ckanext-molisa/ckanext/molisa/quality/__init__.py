"""Quality checks on every resource and dataset (R6.2, R14.1, R9.2).

One module per concern: ``fetch.py`` (the bounded, guarded download that
every content check reads), ``links.py`` (reachable or not, the broken-link
mail), ``openness.py`` (five stars from the sniffed content), ``tables.py``
(CSV and XLSX against the declared columns, with Frictionless), ``runner.py``
(a dataset's checks, run as a CKAN background job with bounded parallel
fetches; enqueued on change and by the sweep). Results in
``model/quality.py``, actions in ``logic/quality_*.py``.
"""
