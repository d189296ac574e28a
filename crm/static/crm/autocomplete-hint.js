// When an autocomplete search finds nothing, say how to add the record: the green "+" beside
// the field is easy to miss. The sentence comes translated from the page (base_site.html).
"use strict";
(function () {
  function addHints() {
    const hint = document.getElementById("autocomplete-add-hint");
    if (!hint) return;
    for (const message of document.querySelectorAll(".select2-results__message:not([data-hinted])")) {
      message.dataset.hinted = "true";
      const results = message.closest(".select2-results__options");
      const selectId = results && results.id.replace(/^select2-/, "").replace(/-results$/, "");
      if (selectId && document.getElementById(`add_${selectId}`)) {
        const line = document.createElement("div");
        line.className = "autocomplete-add-hint";
        line.textContent = hint.content.textContent.trim();
        message.appendChild(line);
      }
    }
  }
  new MutationObserver(addHints).observe(document.documentElement, { childList: true, subtree: true });
})();
