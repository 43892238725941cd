"""Reports for the hall manager: figures computed by the database, exports, demo history.

Plain functions over a SQLAlchemy Session; no Flask. The API (`queue_server.api.reports`)
and the console's report page only parse, call and render.
"""
