// Devices: each kiosk, display and survey screen with its live state; a new token (shown
// once, with the setup link and its QR code) and revoking one (disconnected at once).
import { $, h } from "/static/shared/dom.js";
import { api } from "/console/static/api.js";
import { t, toast } from "/console/static/page.js";
import { showError, showSecret, when } from "./ui.js";

const BASE = "/api/v1/admin/devices";
const REFRESH_MS = 10000;

export function startDevices() {
  const S = { data: null };
  load(S);
  setInterval(() => load(S), REFRESH_MS);
  return { redraw: () => draw(S) };
}

async function load(S) {
  try {
    S.data = await api.get(BASE);
    showError(null);
    draw(S);
  } catch (error) {
    showError(error);
  }
}

function draw(S) {
  if (!S.data) return;
  const rows = S.data.devices.map((device) => h("tr", { dataset: { device: device.id } },
    h("td", {}, h("strong", { text: device.name }), h("div", { class: "muted", text: device.id })),
    h("td", { text: t(`kind.${device.kind}`) }),
    h("td", { class: device.connections ? "state-on" : "state-off",
      dataset: { connections: String(device.connections) },
      text: String(device.connections) }),
    h("td", { text: when(device.last_seen_at) }),
    h("td", { text: device.printer_message || "" }),
    h("td", { text: t(device.has_token ? "adm.devices.has_token" : "adm.devices.no_token") }),
    h("td", {}, h("div", { class: "row-actions" },
      h("button", { type: "button", class: "small", dataset: { action: "token" },
        text: t("adm.devices.new_token"), onclick: () => newToken(S, device) }),
      device.has_token ? h("button", { type: "button", class: "small", dataset: { action: "revoke" },
        text: t("adm.devices.revoke"), onclick: () => revoke(S, device) }) : null))));
  $("devices-table").tBodies[0].replaceChildren(...rows);
  document.body.dataset.ready = "true";
}

async function newToken(S, device) {
  if (device.has_token && !confirm(t("adm.devices.confirm_new", { device: device.name }))) return;
  try {
    const out = await api.post(`${BASE}/${encodeURIComponent(device.id)}/token`, {});
    showSecret(t("adm.devices.token_for", { device: device.name }), out.token, out.setup_url,
      out.qr_svg);
    await load(S);
  } catch (error) {
    toast(error.message, "error");
  }
}

async function revoke(S, device) {
  if (!confirm(t("adm.devices.confirm_revoke", { device: device.name }))) return;
  try {
    await api.post(`${BASE}/${encodeURIComponent(device.id)}/revoke`, {});
    toast(t("adm.devices.revoked", { device: device.name }));
    await load(S);
  } catch (error) {
    toast(error.message, "error");
  }
}
