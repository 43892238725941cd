"""The application factory: settings in, a ready Flask app out."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app, g
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.middleware.proxy_fix import ProxyFix

from queue_server import changes
from queue_server.clock import Clock, ShiftedClock, SystemClock, site_moment
from queue_server.config import HallConfig, load_config
from queue_server.db import make_engine, session_factory, upgrade_schema
from queue_server.provision import apply_config
from queue_server.queue.rollover import expire_past_days
from queue_server.settings import Settings
from queue_server.throttle import WindowCounter, make_windows

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """What every request needs, made once per process."""

    settings: Settings
    hall: HallConfig
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock
    windows: WindowCounter
    # Set by the Socket.IO hub: receives what each commit changed.
    publish: changes.Publisher | None = None


def runtime() -> Runtime:
    found: Runtime = current_app.extensions["antre"]
    return found


def db() -> Session:
    """The request's session, closed at teardown; views commit their own writes."""
    if "db" not in g:
        g.db = runtime().sessions()
    session: Session = g.db
    return session


def now() -> datetime:
    return runtime().clock.now()


def commit() -> list[changes.Change]:
    """Commit the request's session and let the hub announce what changed."""
    return changes.commit(db(), runtime().publish)


def make_clock(settings: Settings, hall: HallConfig) -> Clock:
    if settings.clock_start is None:
        return SystemClock()
    return ShiftedClock(site_moment(settings.clock_start, hall.site.timezone))


def prepare_database(runtime: Runtime) -> None:
    """Upgrade the schema, apply config.yaml and expire what earlier days left open."""
    upgrade_schema(runtime.engine)
    with runtime.sessions.begin() as session:
        apply_config(session, runtime.hall)
    with runtime.sessions.begin() as session:
        expired = expire_past_days(session, runtime.clock.now())
    if expired:
        log.info("expired %d tickets left open on earlier days", expired)


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> Flask:
    settings = settings or Settings()
    hall = load_config(settings.config)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url, single_connection=True)
    state = Runtime(settings, hall, engine, session_factory(engine),
                    clock or make_clock(settings, hall), make_windows(settings.message_queue))
    prepare_database(state)

    app = Flask(__name__)
    app.config["SECRET_KEY"] = settings.effective_secret_key()
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # checked where a cookie authenticates
    app.config["WTF_CSRF_TIME_LIMIT"] = None  # a console stays open all day
    app.extensions["antre"] = state
    app.teardown_appcontext(_close_session)

    from queue_server.api import init_api
    from queue_server.extensions import csrf, login_manager, socketio
    from queue_server.health import bp as health_bp
    from queue_server.vendor import bp as vendor_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(vendor_bp)
    csrf.init_app(app)
    login_manager.init_app(app)
    init_api(app)
    # Pages: each audience's blueprint (kiosk, display, console, ticket page) is added here.
    from display.web import display_blueprint
    from queue_server.api.displays import display_for_caller

    app.register_blueprint(display_blueprint(
        hall, data_dir=settings.data_dir, config_dir=settings.config.resolve().parent,
        clock=state.clock, authorize=display_for_caller))
    from queue_server.console import bp as console_bp

    app.register_blueprint(console_bp)
    from kiosk.web import kiosk_blueprint
    from queue_server.ticketpage import bp as ticket_page_bp

    app.register_blueprint(kiosk_blueprint(hall.site.name, hall.site.short_name))
    app.register_blueprint(ticket_page_bp)

    if settings.proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=settings.proxies, x_proto=settings.proxies)
    # The shared SocketIO object would otherwise keep an earlier app's Redis manager.
    socketio.server_options.pop("client_manager", None)
    socketio.init_app(app, async_mode=_async_mode(), message_queue=settings.message_queue)
    from queue_server.realtime import init_hub

    init_hub(app)
    return app


def _async_mode() -> str:
    """gevent under `antre serve` (patched at start), plain threads anywhere else."""
    from gevent import monkey

    return "gevent" if monkey.is_module_patched("socket") else "threading"


def _close_session(_error: BaseException | None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.close()


def database_ok(session: Session) -> bool:
    try:
        session.execute(text("SELECT 1"))
        return True
    except Exception:  # any failure here is what the health check reports
        log.exception("database check failed")
        return False
