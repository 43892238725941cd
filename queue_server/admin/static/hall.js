// Today's hall: the displays' running text and a spoken announcement, each reaching the
// screens by an event at once (administrators).
import { $, h } from "/static/shared/dom.js";
import { api } from "/console/static/api.js";
import { t, toast } from "/console/static/page.js";
import { showError } from "./ui.js";

export function startHall() {
  $("running-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api.put("/api/v1/site/running-text", { text: $("running-text").value.trim() });
      toast(t("adm.hall.running_saved"));
    } catch (error) {
      toast(error.message, "error");
    }
  });
  $("announce-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const out = await api.post("/api/v1/admin/announcement", {
        text: $("announce-text").value.trim(), display: $("announce-display").value || null });
      toast(t("adm.hall.announced", { n: out.displays.length }));
      $("announce-text").value = "";
    } catch (error) {
      toast(error.message, "error");
    }
  });
  load();
  return { redraw: () => {} };
}

async function load() {
  try {
    const [floor, devices] = await Promise.all([api.get("/api/v1/overview"),
      api.get("/api/v1/admin/devices")]);
    $("running-text").value = floor.running_text || "";
    const select = $("announce-display");
    select.replaceChildren(select.options[0], ...devices.devices
      .filter((device) => device.kind === "display")
      .map((device) => h("option", { value: device.id, text: device.name })));
    showError(null);
    document.body.dataset.ready = "true";
  } catch (error) {
    showError(error);
  }
}
