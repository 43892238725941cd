"""Administration: people, devices and the audit log (`/api/v1/admin/...`).

Administrators manage everyone and every device; supervisors manage the officers of their
agencies and read the log of their agencies. Every change is written to the audit log in the
same transaction. The rules are in `queue_server.admin.staff`; the CLI uses them too.
"""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response
from sqlalchemy import select

from display.announce import hall_notice
from queue_server.admin import audit, config_file, staff
from queue_server.admin.schemas import (
    AnnouncementOut,
    AnnouncementRequest,
    AuditEntryOut,
    AuditOut,
    AuditQuery,
    CounterServicesChange,
    CounterSettingsOut,
    DayHoursOut,
    DeviceOut,
    DevicesOut,
    DeviceTokenOut,
    Hours,
    PasswordReset,
    PeopleOut,
    PersonAdd,
    PersonChange,
    PersonChangedOut,
    PersonOut,
    ServiceChange,
    ServiceSettingsOut,
    SettingChangedOut,
    SettingsOut,
)
from queue_server.api.auth import client_address, require_user
from queue_server.api.errors import ApiError, language
from queue_server.api.session import WINDOW as SIGN_IN_WINDOW
from queue_server.api.spec import endpoint
from queue_server.config import ConfigError, HallConfig, WeeklyHours
from queue_server.context import commit, db, now, runtime
from queue_server.extensions import socketio
from queue_server.hub.publisher import hub
from queue_server.hub.rooms import fan_out, room
from queue_server.models import Agency, Device, DeviceKind, Role, User
from queue_server.people import agency_scope, issue_device_token
from queue_server.provision import apply_config
from queue_server.queue import catalog
from queue_server.queue.common import get_site, service_day
from queue_server.queue.printjobs import printer_state
from queue_server.readmodels.kiosks import state_messages
from queue_server.schemas import EmptyRequest
from queue_server.ticketpage import qr_svg

MANAGERS = (Role.ADMIN, Role.SUPERVISOR)
WRITE_ERRORS = (400, 401, 403, 404, 409, 422)
AUTH = ("session", "bearer")


def register(bp: Blueprint) -> None:
    _register_people(bp)
    _register_person_actions(bp)
    _register_devices(bp)
    _register_audit(bp)
    _register_settings(bp)
    _register_hall(bp)


# --- people -------------------------------------------------------------------------------

def _people_out(manager: User, users: list[User]) -> list[PersonOut]:
    """The people with their last sign-in and the failed sign-ins on their names now."""
    seen = staff.last_sign_in(db(), [u.id for u in users])
    failed = staff.failed_sign_ins(db(), now() - SIGN_IN_WINDOW, users)
    return [PersonOut(username=user.username, name=user.name, role=user.role,
                      agencies=sorted(a.code for a in user.agencies), active=user.active,
                      last_sign_in=seen.get(user.id), has_token=user.token_hash is not None,
                      failed_sign_ins=failed.get(user.id, 0),
                      manageable=staff.may_manage(manager, user)) for user in users]


def _answer(manager: User, changed: staff.Changed, action: str) -> PersonChangedOut:
    """Write the change to the log, commit, and answer with the person as they are now."""
    user = changed.user
    audit.record(db(), now(), user=manager, address=client_address(),
                 kind=audit.Kind.PEOPLE, action=action, target=user.username,
                 agencies=[a.code for a in user.agencies], changes=changed.changes)
    commit()
    [person] = _people_out(manager, [user])
    return PersonChangedOut(person=person, password=changed.password)


def _register_people(bp: Blueprint) -> None:
    @endpoint(bp, "GET", "/admin/people", tag="admin", answers={200: PeopleOut}, auth=AUTH,
              summary="The people the signed-in administrator (everyone) or supervisor "
                      "(their agencies' staff) sees, with role, agencies, last sign-in, state",
              errors=(401, 403))
    def list_people() -> PeopleOut:
        manager = require_user(*MANAGERS)
        users = staff.visible_users(db(), manager)
        scope = agency_scope(manager)
        codes = (sorted(db().scalars(select(Agency.code).where(Agency.active)))
                 if scope is None else sorted(a.code for a in manager.agencies))
        roles = list(Role) if manager.role is Role.ADMIN else [Role.OFFICER]
        return PeopleOut(people=_people_out(manager, users), agencies=codes, roles=roles)

    @endpoint(bp, "POST", "/admin/people", tag="admin", body=PersonAdd,
              answers={201: PersonChangedOut}, auth=AUTH, errors=WRITE_ERRORS,
              summary="Add a person (a supervisor: an officer of their agencies); without a "
                      "password one is generated and shown once")
    def add_person(body: PersonAdd) -> tuple[PersonChangedOut, int]:
        manager = require_user(*MANAGERS)
        changed = staff.add(db(), now(), manager, username=body.username, name=body.name,
                            role=body.role, agencies=body.agencies, password=body.password)
        return _answer(manager, changed, "user.add"), 201

    @endpoint(bp, "PATCH", "/admin/people/<username>", tag="admin", body=PersonChange,
              answers={200: PersonChangedOut}, auth=AUTH, errors=WRITE_ERRORS,
              summary="Change a person's name, role or agencies (nobody raises their own "
                      "role; the last administrator stays one)")
    def change_person(username: str, body: PersonChange) -> PersonChangedOut:
        manager = require_user(*MANAGERS)
        user = staff.find_user(db(), username)
        changed = staff.change(db(), now(), manager, user, name=body.name, role=body.role,
                               agencies=body.agencies)
        return _answer(manager, changed, "user.change")


# The actions on one person that take no body: the audit action, the change, the summary.
PersonAction = Callable[[User, User], staff.Changed]
PERSON_ACTIONS: dict[str, tuple[str, PersonAction, str]] = {
    "disable": ("user.disable", lambda manager, user: staff.disable(db(), now(), manager, user),
                "Disable a person: their sessions and API token stop at once"),
    "enable": ("user.enable", lambda manager, user: staff.enable(db(), manager, user),
               "Enable a disabled person again"),
    "unlock": ("user.unlock", lambda manager, user: staff.unlock(db(), manager, user),
               "Lift the sign-in limits on a person's name"),
    "revoke-token": ("user.revoke_token",
                     lambda manager, user: staff.revoke_token(db(), manager, user),
                     "Revoke a person's API token"),
}


def _register_person_actions(bp: Blueprint) -> None:
    for path, (action, change, summary) in PERSON_ACTIONS.items():
        _register_person_action(bp, path, action, change, summary)

    @endpoint(bp, "POST", "/admin/people/<username>/password", tag="admin", body=PasswordReset,
              answers={200: PersonChangedOut}, auth=AUTH, errors=WRITE_ERRORS,
              summary="Reset a password (the given one, or a generated one shown once); "
                      "their sessions end")
    def reset_password(username: str, body: PasswordReset) -> PersonChangedOut:
        manager = require_user(*MANAGERS)
        changed = staff.reset_password(db(), now(), manager, staff.find_user(db(), username),
                                       body.password)
        return _answer(manager, changed, "user.password")


def _register_person_action(bp: Blueprint, path: str, action: str, change: PersonAction,
                            summary: str) -> None:
    def act(username: str, body: EmptyRequest) -> PersonChangedOut:
        manager = require_user(*MANAGERS)
        return _answer(manager, change(manager, staff.find_user(db(), username)), action)

    act.__name__ = f"{action.replace('.', '_')}_person"  # Flask's endpoint name
    endpoint(bp, "POST", f"/admin/people/<username>/{path}", tag="admin", body=EmptyRequest,
             answers={200: PersonChangedOut}, auth=AUTH, errors=WRITE_ERRORS,
             summary=summary)(act)


# --- devices ------------------------------------------------------------------------------

def _rooms(device: Device) -> list[str]:
    rooms = [room(device.kind.value, device.id)]
    if device.kind is DeviceKind.KIOSK:
        rooms.append(room("agent", device.id))
    return rooms


def _device_out(device: Device) -> DeviceOut:
    kiosk = device.kind is DeviceKind.KIOSK
    state = printer_state(device, now()) if kiosk else None
    message = None
    if state is not None:
        message_id, message_en = state_messages(state)
        message = message_en if language() == "en" else message_id
    connections = hub().presence.connections(room(device.kind.value, device.id))
    return DeviceOut(id=device.id, kind=device.kind.value, name=device.name,
                     has_token=device.token_hash is not None,
                     connections=len(connections),
                     connected_since=min(connections.values(), default=None),
                     last_seen_at=device.last_seen_at,
                     agent_connected=(state != "no_agent") if kiosk else None,
                     printer_state=state, printer_message=message,
                     printer_reported_at=device.printer_status_at if kiosk else None)


def _device(device_id: str) -> Device:
    device = db().get(Device, device_id)
    if device is None or not device.active:
        raise ApiError("unknown_device", 404, f"Perangkat '{device_id}' tidak dikenal.",
                       f"Unknown device '{device_id}'.")
    return device


def _setup_url(device: Device, token: str) -> str:
    base = runtime().hall.site.public_url.rstrip("/")
    return f"{base}/{device.kind.value}/{device.id}?token={token}"


def _register_devices(bp: Blueprint) -> None:
    @endpoint(bp, "GET", "/admin/devices", tag="admin", answers={200: DevicesOut}, auth=AUTH,
              summary="Every kiosk, display and survey screen with its live state "
                      "(administrators)", errors=(401, 403))
    def list_devices() -> DevicesOut:
        require_user(Role.ADMIN)
        devices = db().scalars(select(Device).where(Device.active)
                               .order_by(Device.kind, Device.id))
        return DevicesOut(devices=[_device_out(device) for device in devices])

    @endpoint(bp, "POST", "/admin/devices/<device_id>/token", tag="admin", body=EmptyRequest,
              answers={200: DeviceTokenOut}, auth=AUTH, errors=WRITE_ERRORS,
              summary="Issue a device a new token (the old one stops): shown once, with the "
                      "setup link and its QR code")
    def new_device_token(device_id: str, body: EmptyRequest) -> DeviceTokenOut:
        user = require_user(Role.ADMIN)
        device = _device(device_id)
        token = issue_device_token(db(), device.id)
        audit.record(db(), now(), user=user, address=client_address(), kind=audit.Kind.DEVICES,
                     action="device.token", target=device.id, changes={"token": "new"})
        commit()
        _disconnect(device)  # whoever held the old token goes
        url = _setup_url(device, token)
        svg = qr_svg(url)
        data_url = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
        return DeviceTokenOut(device=_device_out(device), token=token, setup_url=url,
                              qr_svg=data_url)

    @endpoint(bp, "POST", "/admin/devices/<device_id>/revoke", tag="admin", body=EmptyRequest,
              answers={200: DeviceOut}, auth=AUTH, errors=WRITE_ERRORS,
              summary="Revoke a device's token: the device is disconnected at once")
    def revoke_device(device_id: str, body: EmptyRequest) -> DeviceOut:
        user = require_user(Role.ADMIN)
        device = _device(device_id)
        device.token_hash = None
        audit.record(db(), now(), user=user, address=client_address(), kind=audit.Kind.DEVICES,
                     action="device.revoke", target=device.id, changes={"token": "revoked"})
        commit()
        _disconnect(device)
        return _device_out(device)


def _disconnect(device: Device) -> None:
    """Close the device's connections on every process (through the message queue for those
    another process holds)."""
    server, presence = socketio.server, hub().presence
    if server is None:
        return
    for name in _rooms(device):
        for sid in presence.connections(name):
            server.disconnect(sid, namespace="/")
            presence.left(name, sid)  # now, not when the process holding it hears


# --- audit ----------------------------------------------------------------------------------

CSV_COLUMNS = ("at", "kind", "action", "target", "person", "address", "agencies", "changes")


def _register_audit(bp: Blueprint) -> None:
    @endpoint(bp, "GET", "/admin/audit", tag="admin", answers={200: AuditOut}, auth=AUTH,
              query=AuditQuery, produces=("text/csv",), errors=(401, 403, 422),
              summary="The audit log of one day: administration, today's operations and "
                      "ticket transitions, filtered by person, agency and kind; CSV on request")
    def audit_log(query: AuditQuery) -> AuditOut | Response:
        user = require_user(*MANAGERS)
        site = get_site(db())
        day = query.day or service_day(site, now())
        entries = audit.read(db(), site.timezone, audit.Filter(
            day=day, person=query.person, agency=query.agency, kind=query.kind,
            scope=None if user.role is Role.ADMIN else [a.code for a in user.agencies]))
        if query.format == "csv":
            return _csv(day.isoformat(), entries)
        return AuditOut(day=day, entries=entries)


def _csv(day: str, rows: list[AuditEntryOut]) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        data: dict[str, Any] = row.model_dump(mode="json")
        writer.writerow([data["at"], data["kind"], data["action"], data["target"],
                         data["person"] or "", data["address"] or "",
                         " ".join(data["agencies"]), _flat(data["changes"])])
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="audit-{day}.csv"'
    return response


def _flat(changes: dict[str, Any]) -> str:
    return "; ".join(f"{key}={value}" for key, value in changes.items())


# --- services and counters (config.yaml) -------------------------------------------------

FILE_ONLY = ["agencies, new services and counters, codes and prefixes, the hall's own hours "
             "and holidays, devices: config.yaml only (they renumber tickets or change "
             "references)",
             "a service out of use: removed from config.yaml (its history stays); for today "
             "only, close it on the hall page"]


def _hours(hours: WeeklyHours | None) -> Hours | None:
    if hours is None:
        return None
    return {day: DayHoursOut.model_validate(times)
            for day, times in config_file.hours_plain(hours).items()}


def _service_settings(hall: HallConfig) -> list[ServiceSettingsOut]:
    return [ServiceSettingsOut(
        code=s.code, agency=a.code, name=s.name, prefix=s.prefix, quota=s.quota,
        target_minutes=s.target_minutes, target_wait_minutes=s.target_wait_minutes,
        requirements=list(s.requirements), outcomes=list(s.outcomes),
        outcome_required=s.outcome_required, hours=_hours(s.hours))
        for a in hall.agencies for s in a.services]


def _counter_settings(hall: HallConfig) -> list[CounterSettingsOut]:
    return [CounterSettingsOut(id=c.id, name=c.name, agency=c.agency, services=list(c.services))
            for c in hall.counters]


def _may_change(user: User, agency: str, name: str) -> None:
    if user.role is not Role.ADMIN and agency not in {a.code for a in user.agencies}:
        raise ApiError("forbidden", 403, f"{name} bukan milik instansi Anda.",
                       f"{name} does not belong to your agency.")


def _apply_live(user: User, config: HallConfig, target: str, changes: dict[str, Any],
                agency: str) -> None:
    """The new file in effect now in this process: the rows, the engine's catalog, the
    kiosks' and displays' screens; and the change in the audit log."""
    state = runtime()
    state.hall = config
    apply_config(db(), config)
    audit.record(db(), now(), user=user, address=client_address(), kind=audit.Kind.SETTINGS,
                 action="config.edit", target=target, agencies=[agency], changes=changes)
    commit()
    catalog.forget(state.engine)
    catalog.install(state.engine, state.sessions())
    hub().refresh(db(), DeviceKind.KIOSK, DeviceKind.DISPLAY)


def _edit(**what: Any) -> tuple[HallConfig, dict[str, Any]]:
    try:
        return config_file.edit(runtime().settings.config, **what)
    except ConfigError as error:
        problems = "; ".join(error.problems)
        raise ApiError("invalid_config", 422, f"config.yaml tidak diubah: {problems}",
                       f"config.yaml was not changed: {problems}") from None


def _register_settings(bp: Blueprint) -> None:
    @endpoint(bp, "GET", "/admin/settings", tag="admin", answers={200: SettingsOut},
              auth=AUTH, errors=(401, 403),
              summary="The services' everyday settings and the counters' services, as "
                      "config.yaml has them (a supervisor: their agencies')")
    def settings() -> SettingsOut:
        user = require_user(*MANAGERS)
        hall = runtime().hall
        mine = None if user.role is Role.ADMIN else {a.code for a in user.agencies}
        return SettingsOut(
            services=[s for s in _service_settings(hall) if mine is None or s.agency in mine],
            counters=[c for c in _counter_settings(hall) if mine is None or c.agency in mine],
            hall_hours=_hours(hall.site.hours) or {}, file_only=FILE_ONLY)

    @endpoint(bp, "PATCH", "/admin/services/<code>", tag="admin", body=ServiceChange,
              answers={200: SettingChangedOut}, auth=AUTH, errors=WRITE_ERRORS,
              summary="Change a service's everyday settings: written to config.yaml (its "
                      "comments and order kept) and in effect at once, without a restart")
    def change_service(code: str, body: ServiceChange) -> SettingChangedOut:
        user = require_user(*MANAGERS)
        found = next((s for s in _service_settings(runtime().hall) if s.code == code), None)
        if found is None:
            raise ApiError("unknown_service", 404, f"Layanan '{code}' tidak dikenal.",
                           f"Unknown service '{code}'.")
        _may_change(user, found.agency, found.name)
        wanted = {key: getattr(body, key) for key in body.model_fields_set}
        if body.hours is not None:
            wanted["hours"] = config_file.hours_plain(body.hours)
        config, changes = _edit(service=code, service_changes=wanted)
        if changes:
            _apply_live(user, config, code, changes, found.agency)
        service = next(s for s in _service_settings(config) if s.code == code)
        return SettingChangedOut(changes=changes, service=service)

    @endpoint(bp, "PUT", "/admin/counters/<counter_id>/services", tag="admin",
              body=CounterServicesChange, answers={200: SettingChangedOut}, auth=AUTH,
              errors=WRITE_ERRORS,
              summary="Set the services a counter serves, in order: written to config.yaml "
                      "and in effect at once")
    def change_counter(counter_id: str, body: CounterServicesChange) -> SettingChangedOut:
        user = require_user(*MANAGERS)
        found = next((c for c in _counter_settings(runtime().hall) if c.id == counter_id),
                     None)
        if found is None:
            raise ApiError("unknown_counter", 404, f"Loket '{counter_id}' tidak dikenal.",
                           f"Unknown counter '{counter_id}'.")
        _may_change(user, found.agency, found.name)
        config, changes = _edit(counter=counter_id, counter_services=body.services)
        if changes:
            _apply_live(user, config, counter_id, changes, found.agency)
        counter = next(c for c in _counter_settings(config) if c.id == counter_id)
        return SettingChangedOut(changes=changes, counter=counter)


# --- today's hall -------------------------------------------------------------------------

def _register_hall(bp: Blueprint) -> None:
    @endpoint(bp, "POST", "/admin/announcement", tag="admin", body=AnnouncementRequest,
              answers={200: AnnouncementOut}, auth=AUTH, errors=WRITE_ERRORS,
              summary="A spoken announcement sent now to every display or one (an "
                      "`announcement` event: {said: {id, en}, text}) (administrators)")
    def announce(body: AnnouncementRequest) -> AnnouncementOut:
        user = require_user(Role.ADMIN)
        query = select(Device).where(Device.active, Device.kind == DeviceKind.DISPLAY)
        if body.display is not None:
            query = query.where(Device.id == body.display)
        displays = [d.id for d in db().scalars(query.order_by(Device.id))]
        if not displays:
            raise ApiError("unknown_display", 404, f"Layar '{body.display}' tidak dikenal.",
                           f"Unknown display '{body.display}'.")
        text = " ".join(body.text.split())
        try:
            notice = hall_notice(text)  # the words the display says, from one place
        except ValueError:
            raise ApiError("invalid_request", 422, "Tulis teks pengumumannya.",
                           "Write the announcement's text.") from None
        said = {"id": notice.text_id, "en": notice.text_en}
        audit.record(db(), now(), user=user, address=client_address(),
                     kind=audit.Kind.OPERATIONS, action="display.announcement",
                     target=body.display or "*", changes={"text": text})
        commit()
        hub().send(fan_out("announcement", {"text": text, "said": said},
                           [room(DeviceKind.DISPLAY.value, d) for d in displays]))
        return AnnouncementOut(displays=displays, said=said)
