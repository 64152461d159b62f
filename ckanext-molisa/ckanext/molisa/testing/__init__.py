"""What the four extensions' test suites share, once each: the requirement
markers (``requirements``), the tests' web server, SMTP server and browser,
the audit log reader, the database reset and the dataset builders.

Test code only: nothing here is imported by a plugin at run time.
"""
