// Devices: each kiosk, display and survey screen with its live state (connected since when,
// last seen, a kiosk's print agent and printer); a new token (shown once, with the setup link
// and its QR code) and revoking one (disconnected at once).
import { $, h } from "/static/shared/dom.js";
import { api } from "/console/static/api.js";
import { t, toast } from "/console/static/page.js";
import { attempt, loader, replaceRows, showSecret, start, when } from "./ui.js";

const BASE = "/api/v1/admin/devices";
const REFRESH_MS = 10000;

export function startDevices() {
  const S = { data: null };
  S.load = loader(S, () => BASE, draw);
  setInterval(S.load, REFRESH_MS);
  return start(S, draw);
}

function connection(device) {
  const on = device.connections > 0;
  return h("td", { class: on ? "state-on" : "state-off",
    dataset: { connections: String(device.connections) } },
  t(on ? "adm.devices.on" : "adm.devices.off"),
  on && device.connected_since
    ? h("div", { class: "muted", dataset: { since: device.connected_since },
      text: t("adm.devices.since", { time: when(device.connected_since) }) }) : null);
}

function printer(device) {
  if (device.kind !== "kiosk") return h("td", { text: "—" });
  return h("td", { dataset: { printer: device.printer_state } },
    h("div", { text: device.printer_message || "" }),
    device.printer_reported_at ? h("div", { class: "muted",
      text: t("adm.devices.reported", { time: when(device.printer_reported_at) }) }) : null,
    h("div", { class: "muted", text: t(device.agent_connected ? "adm.devices.agent_on"
      : "adm.devices.agent_off") }));
}

function draw(S) {
  const rows = S.data.devices.map((device) => h("tr", { dataset: { device: device.id } },
    h("td", {}, h("strong", { text: device.name }), h("div", { class: "muted", text: device.id })),
    h("td", { text: t(`kind.${device.kind}`) }),
    connection(device),
    h("td", { text: when(device.last_seen_at) || "—" }),
    printer(device),
    h("td", { text: t(device.has_token ? "adm.devices.has_token" : "adm.devices.no_token") }),
    h("td", {}, h("div", { class: "row-actions" },
      h("button", { type: "button", class: "small", dataset: { action: "token" },
        text: t("adm.devices.new_token"), onclick: () => newToken(S, device) }),
      device.has_token ? h("button", { type: "button", class: "small", dataset: { action: "revoke" },
        text: t("adm.devices.revoke"), onclick: () => revoke(S, device) }) : null))));
  replaceRows($("devices-table").tBodies[0], rows);
}

const path = (device, action) => `${BASE}/${encodeURIComponent(device.id)}/${action}`;

function newToken(S, device) {
  if (device.has_token && !confirm(t("adm.devices.confirm_new", { device: device.name }))) return;
  attempt(() => api.post(path(device, "token"), {}), (out) => {
    showSecret(t("adm.devices.token_for", { device: device.name }), out.token, out.setup_url,
      out.qr_svg);
    return S.load();
  });
}

function revoke(S, device) {
  if (!confirm(t("adm.devices.confirm_revoke", { device: device.name }))) return;
  attempt(() => api.post(path(device, "revoke"), {}), () => {
    toast(t("adm.devices.revoked", { device: device.name }));
    return S.load();
  });
}
