// This month's hall satisfaction index (SKM/IKM) on the display, when config.yaml sets
// `show_ikm: true` for it: a small badge under the display's name, asked again every 15
// minutes (it moves slowly; no live event is worth a TV box's attention for it).

const EVERY_MS = 15 * 60 * 1000;

export function showIkm({ displayId, token, brand, language = "id" }) {
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = "/static/survey/display-ikm.css";
  document.head.append(link);
  const badge = document.createElement("div");
  badge.className = "ikm";
  badge.id = "ikm";
  badge.hidden = true;
  brand.append(badge);

  async function ask() {
    try {
      const answer = await fetch(
        `/api/v1/displays/${encodeURIComponent(displayId)}/ikm?lang=${language}`,
        { headers: { Authorization: `Bearer ${token}` }, credentials: "omit" });
      if (!answer.ok) return;
      const ikm = await answer.json();
      badge.hidden = ikm.converted === null;
      if (ikm.converted === null) return;
      const value = ikm.converted.toLocaleString(language === "en" ? "en-GB" : "id-ID",
        { minimumFractionDigits: 2, maximumFractionDigits: 2 });
      const label = language === "en" ? "Satisfaction index this month" : "IKM bulan ini";
      badge.dataset.grade = ikm.grade;
      badge.replaceChildren(`${label} `, Object.assign(document.createElement("strong"),
        { textContent: value }), " ", Object.assign(document.createElement("span"),
        { className: "ikm-grade", textContent: `${ikm.grade} · ${ikm.performance}` }));
    } catch {
      // offline: the next round asks again
    }
  }

  ask();
  setInterval(ask, EVERY_MS);
}
