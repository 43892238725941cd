"""The issue floor: a bare Flask app on gevent, served the way `antre serve` is, with
SQLAlchemy on the same database settings as Antre (`make_engine`: on SQLite one connection,
BEGIN IMMEDIATE, WAL), that only takes the next number with one upsert and inserts the ticket.

    python -m bench.bare_issue --port 5098 --database-url sqlite:////tmp/bare.db

POST /api/v1/tickets {"service": "KTP"} answers 201 {"code": "A-001", "number": 1}; a kiosk's
Authorization header is accepted and ignored. Issue #17's budget: Antre issues at least a
quarter of what this does, driven by the same wrk script (bench/wrk/issue.lua).
"""

from __future__ import annotations

if __name__ == "__main__":  # patched before anything imports socket or threading
    from gevent import monkey

    monkey.patch_all()

import argparse  # noqa: E402
from datetime import date  # noqa: E402

from flask import Flask, jsonify, request  # noqa: E402
from flask.typing import ResponseReturnValue  # noqa: E402
from sqlalchemy import Column, Date, Integer, MetaData, String, Table, insert  # noqa: E402
from sqlalchemy.dialects import postgresql, sqlite  # noqa: E402

from queue_server.cli import serve_forever  # noqa: E402
from queue_server.db import make_engine  # noqa: E402

metadata = MetaData()
numbers = Table("bare_numbers", metadata, Column("day", Date, primary_key=True),
                Column("prefix", String(3), primary_key=True), Column("last_number", Integer))
tickets = Table("bare_tickets", metadata, Column("id", Integer, primary_key=True),
                Column("day", Date), Column("service", String(32)), Column("number", Integer),
                Column("code", String(16)))


def make_app(database_url: str) -> Flask:
    engine = make_engine(database_url, single_connection=True)
    metadata.create_all(engine)
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    app = Flask(__name__)

    @app.post("/api/v1/tickets")
    def issue() -> ResponseReturnValue:
        service = str(request.get_json(force=True).get("service", "KTP"))
        today = date.today()
        upsert = dialect.insert(numbers).values(day=today, prefix="A", last_number=1)
        with engine.begin() as connection:
            number = connection.execute(upsert.on_conflict_do_update(
                index_elements=["day", "prefix"],
                set_={"last_number": numbers.c.last_number + 1})
                .returning(numbers.c.last_number)).scalar_one()
            code = f"A-{number:03d}"
            connection.execute(insert(tickets).values(day=today, service=service,
                                                      number=number, code=code))
        return jsonify({"code": code, "number": number}), 201

    @app.get("/healthz")
    def healthz() -> ResponseReturnValue:
        return jsonify({"status": "ok"})

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database-url", required=True)
    options = parser.parse_args()
    serve_forever(make_app(options.database_url), "127.0.0.1", options.port)


if __name__ == "__main__":
    main()
