// Installs the service worker (/sw.js) that keeps the relief guide for use offline.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js").catch(() => {
      // No worker (a private window, an old browser): the site works online as before.
    });
  });
})();
