// The ticket page's service worker: there only so that phones' browsers show the page's
// notifications (Chrome on Android allows them only through one). It caches nothing.

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = event.notification.data && event.notification.data.url;
  event.waitUntil(self.clients.matchAll({ type: "window" }).then((pages) => {
    const open = pages.find((page) => page.url === url);
    if (open) return open.focus();
    return url ? self.clients.openWindow(url) : null;
  }));
});
