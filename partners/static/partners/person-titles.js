// Choosing who signed for a party, who witnessed, or who took part fills the person's title on
// that day from the positions on file (partners/admin.py, PersonAdmin.title_view), in English and
// Arabic, where both title boxes are still empty; the titles stay editable. Select2 reports a
// choice through jQuery's change event, so the handler is jQuery's.
"use strict";
(function ($) {
  const TITLE_BOXES = {
    signatory: ["signatory_title_en", "signatory_title_ar"],
    person: ["title_en", "title_ar"],
  };

  function field(name) {
    return document.querySelector(`[name="${name}"]`);
  }

  $(document).on("change", "select[name$='-signatory'], select[name$='-person']", function () {
    const match = this.name.match(/^(.*)-(signatory|person)$/);
    const boxes = TITLE_BOXES[match[2]].map((stem) => field(`${match[1]}-${stem}`));
    if (!this.value || boxes.includes(null) || boxes.some((box) => box.value.trim())) {
      return;
    }
    const adminRoot = document.querySelector("#site-name a").getAttribute("href");
    const query = new URLSearchParams();
    const day = document.getElementById("id_signed_on") || document.getElementById("id_starts_on");
    const organization = field(`${match[1]}-organization`);
    if (day && day.value) query.set("on", day.value);
    if (organization && organization.value) query.set("organization", organization.value);
    fetch(`${adminRoot}partners/person/${this.value}/title/?${query}`, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : null))
      .then((titles) => {
        if (!titles || boxes.some((box) => box.value.trim())) return;
        boxes[0].value = titles.title_en;
        boxes[1].value = titles.title_ar;
      });
  });
})(django.jQuery);
