"""The application factory: settings in, a ready Flask app out.

It imports its parts and wires them; no part imports it back (what a request uses lives in
`queue_server.context`, what the process holds in `queue_server.runtime`).
"""

from __future__ import annotations

from flask import Flask

from display.web import display_blueprint
from kiosk.web import kiosk_blueprint
from queue_server import context
from queue_server.admin.pages import bp as admin_bp
from queue_server.api import init_api
from queue_server.api.displays import display_for_caller
from queue_server.booking import bp as booking_bp
from queue_server.clock import Clock
from queue_server.console import bp as console_bp
from queue_server.extensions import csrf, login_manager, socketio
from queue_server.health import bp as health_bp
from queue_server.hub import init_hub
from queue_server.queue.bookings import CODE_ALPHABET, CODE_LENGTH
from queue_server.runtime import build_runtime
from queue_server.security import init_security
from queue_server.settings import Settings
from queue_server.startpage import bp as start_bp
from queue_server.statistics import start_keeping_statistics
from queue_server.survey.web import bp as survey_bp
from queue_server.ticketpage import bp as ticket_page_bp
from queue_server.vendor import bp as vendor_bp
from queue_server.webhooks.worker import start_remote_work


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> Flask:
    settings = settings or Settings()
    state = build_runtime(settings, clock)
    hall = state.hall

    app = Flask(__name__)  # its static folder (queue_server/static) serves the shared JS
    app.config["SECRET_KEY"] = settings.effective_secret_key()
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # checked where a cookie authenticates
    context.bind(app, state)
    init_security(app, settings)  # before the routes: it bounds their <int:...> ids

    app.register_blueprint(health_bp)
    app.register_blueprint(vendor_bp)
    csrf.init_app(app)
    login_manager.init_app(app)
    init_api(app)
    # Pages: each audience's blueprint (kiosk, display, console, ticket page).
    app.register_blueprint(display_blueprint(
        hall, data_dir=settings.data_dir, config_dir=settings.config.resolve().parent,
        clock=state.clock, authorize=display_for_caller))
    app.register_blueprint(console_bp)
    app.register_blueprint(admin_bp)  # /console/admin: people, devices, audit log
    # The kiosk checks in tickets booked from home where the hall takes them.
    booking_code = (CODE_ALPHABET, CODE_LENGTH) if hall.remote.enabled else None
    app.register_blueprint(kiosk_blueprint(hall.site.name, hall.site.short_name,
                                           [kiosk.id for kiosk in hall.kiosks], booking_code))
    app.register_blueprint(ticket_page_bp)
    app.register_blueprint(booking_bp)  # /ambil: a visitor takes a number from a phone
    app.register_blueprint(start_bp)  # `/`: the hall's pages and the staff's guides
    app.register_blueprint(survey_bp)  # the counter's rating screen, the SKM report page

    # The shared SocketIO object would otherwise keep an earlier app's Redis manager.
    socketio.server_options.pop("client_manager", None)
    socketio.init_app(app, async_mode=_async_mode(), message_queue=settings.message_queue)
    init_hub(app)
    start_remote_work(app)  # bookings' expiry and the webhook (docs/remote.md)
    start_keeping_statistics(app)
    return app


def _async_mode() -> str:
    """gevent under `antre serve` (patched at start), plain threads anywhere else."""
    from gevent import monkey

    return "gevent" if monkey.is_module_patched("socket") else "threading"
