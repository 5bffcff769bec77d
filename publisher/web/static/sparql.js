// Enhance the query page with the YASGUI editor (served from this site; no CDN).
// Without this script, or if YASGUI fails to load, the plain form and table still work.
(function () {
  "use strict";
  var holder = document.getElementById("yasgui");
  var form = document.getElementById("sparql-form");
  var textarea = document.getElementById("query");
  if (!holder || !form || !textarea || typeof window.Yasgui !== "function") {
    return;
  }
  var endpoint = new URL(holder.dataset.endpoint, window.location.href).href;
  var yasgui;
  holder.hidden = false;  // CodeMirror measures its box: show the holder before it starts
  try {
    yasgui = new window.Yasgui(holder, {
      requestConfig: { endpoint: endpoint, method: "POST" },
      copyEndpointOnNewTab: false,
      endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
      persistenceId: null,
      populateFromUrl: false,
      autofocus: false,
      yasqe: { autocompleters: ["prefixes", "variables"] },
    });
  } catch (error) {
    console.error("YASGUI could not start; the plain form stays", error);
    holder.hidden = true;
    return;
  }
  var tab = yasgui.getTab();
  tab.setQuery(textarea.value);
  form.hidden = true;
  document.documentElement.classList.add("sparql-enhanced");
  var results = document.getElementById("results");
  if (results) {
    results.hidden = true;
  }
  if (holder.dataset.autorun === "true") {
    tab.query();
  }
})();
