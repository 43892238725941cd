"""Administration in the browser: people, devices and the audit log.

`audit` (the log's table and its reading) and `people` (the rules of managing users) are plain
functions over a Session, used by the API (`api/admin.py`) and the CLI alike; `pages` is the
blueprint of the pages under /console/admin.
"""
