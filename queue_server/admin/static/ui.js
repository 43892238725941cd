// What the administration sections share: times in site time, errors, secrets shown once.
import { config, lang } from "/console/static/page.js";

export function when(iso) {
  if (!iso) return "";
  return new Date(iso).toLocaleString(lang() === "en" ? "en-GB" : "id-ID", {
    timeZone: config.timezone, day: "2-digit", month: "short", hour: "2-digit", minute: "2-digit",
  });
}

export function timeOnly(iso) {
  return new Date(iso).toLocaleTimeString(lang() === "en" ? "en-GB" : "id-ID", {
    timeZone: config.timezone, hour: "2-digit", minute: "2-digit", second: "2-digit",
  });
}

/** Show a secret (a password or a device token) once, with a link and its QR code if any. */
export function showSecret(title, value, link = null, qr = null) {
  const $ = (id) => document.getElementById(id);
  $("secret-title").textContent = title;
  $("secret-value").textContent = value;
  $("secret-link").hidden = !link;
  $("secret-link").textContent = link || "";
  $("secret-link").href = link || "#";
  $("secret-qr").hidden = !qr;
  $("secret-qr").src = qr || "";
  $("secret-dialog").showModal();
  $("secret-close").focus();
}

export function showError(error) {
  const box = document.getElementById("admin-error");
  box.hidden = !error;
  box.textContent = error ? (error.message || String(error)) : "";
}
