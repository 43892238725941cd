// The administration pages (/console/admin...): sign in as a supervisor or administrator,
// then draw the page's section (people, devices or the audit log).
import "./words.js";
import { $ } from "/static/shared/dom.js";
import { api } from "/console/static/api.js";
import { config, setupLanguage, show, t } from "/console/static/page.js";
import { askSignInAgain, startSignedIn } from "/console/static/signin.js";
import { startAudit } from "./audit.js";
import { startDevices } from "./devices.js";
import { startHall } from "./hall.js";
import { startPeople } from "./people.js";
import { startServices } from "./services.js";
import { showError } from "./ui.js";

const SECTIONS = {
  people: startPeople, devices: startDevices, hall: startHall, services: startServices,
  audit: startAudit,
};
const S = { user: null, section: null };

api.onUnauthorized = () => askSignInAgain(t("reauth.text_plain"), S.user?.username,
  (user) => { S.user = user; });
setupLanguage(() => S.section?.redraw());
$("signout").addEventListener("click", async () => {
  await api.logout();
  location.reload();
});

startSignedIn(signedIn);

function signedIn(user) {
  S.user = user;
  $("signout").hidden = false;
  $("where").textContent = user.name;
  show("admin");
  if (!["supervisor", "admin"].includes(user.role)) {
    showError({ message: t("adm.forbidden") });
    for (const card of document.querySelectorAll("#admin-view > .card")) card.hidden = true;
    return;
  }
  S.section = SECTIONS[config.section](user);
}
