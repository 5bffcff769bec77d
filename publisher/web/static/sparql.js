// Enhance the query page with the YASQE editor of YASGUI (served from this site; no CDN).
// The editor replaces the textarea inside the same form: the query still runs on the server,
// whose answer is the page's own table (labels beside IRIs, in the page's language, and
// accessible), so YASGUI's English-only result view is not used. Without this script, or if
// the editor fails to load, the plain form works the same.
(function () {
  "use strict";
  var form = document.getElementById("sparql-form");
  var textarea = document.getElementById("query");
  var holder = document.getElementById("yasqe");
  if (!form || !textarea || !holder || typeof window.Yasqe !== "function") {
    return;
  }
  var yasqe;
  holder.hidden = false;  // CodeMirror measures its box: show the holder before it starts
  try {
    yasqe = new window.Yasqe(holder, {
      value: textarea.value,
      persistenceId: null,
      showQueryButton: false,
      resizeable: false,
      autocompleters: ["prefixes", "variables"],
      viewportMargin: Infinity,
    });
  } catch (error) {
    console.error("The query editor could not start; the plain form stays", error);
    holder.hidden = true;
    return;
  }
  var input = yasqe.getInputField();
  var label = document.querySelector("label[for='query']");
  input.id = "query-editor";
  if (label) {
    label.setAttribute("for", input.id);
    input.setAttribute("aria-label", label.textContent);
  }
  textarea.hidden = true;
  textarea.required = false;
  document.documentElement.classList.add("sparql-enhanced");
  form.addEventListener("submit", function () {
    textarea.value = yasqe.getValue();
  });
  yasqe.on("keydown", function (_editor, event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      event.preventDefault();
      textarea.value = yasqe.getValue();
      form.requestSubmit();
    }
  });
})();
