// zhenggai — a little JavaScript that only enhances: every page works without it.
document.addEventListener("DOMContentLoaded", () => {
  // "Select all" for bulk actions on the problem list.
  document.querySelectorAll("[data-select-all]").forEach((box) => {
    box.addEventListener("change", () => {
      document.querySelectorAll("input[name=ids]").forEach((b) => { b.checked = box.checked; });
    });
  });
  // Print button.
  document.querySelectorAll("[data-print]").forEach((b) => b.addEventListener("click", (e) => { e.preventDefault(); window.print(); }));
  // Back links.
  document.querySelectorAll("[data-back]").forEach((a) => a.addEventListener("click", (e) => { e.preventDefault(); history.back(); }));
  // Copy buttons (a receipt's code and key), shown only where the clipboard can be written.
  if (navigator.clipboard) document.querySelectorAll("[data-copy]").forEach((b) => {
    b.hidden = false;
    b.addEventListener("click", () => {
      const text = document.querySelector(b.getAttribute("data-copy")).textContent.trim();
      navigator.clipboard.writeText(text).then(() => { b.textContent = b.getAttribute("data-copied"); });
    });
  });
  // A picker that follows another (the responsible leader follows the lead unit): only the
  // options whose units include the chosen one are offered.
  document.querySelectorAll("select[data-follows]").forEach((picker) => {
    const lead = document.querySelector(picker.getAttribute("data-follows"));
    if (!lead) return;
    const update = () => {
      for (const o of picker.options) {
        if (!o.dataset.units) continue;
        const offered = !lead.value || o.dataset.units.split(" ").includes(lead.value);
        o.hidden = !offered;
        o.disabled = !offered;
        if (!offered && o.selected) picker.value = "";
      }
    };
    lead.addEventListener("change", update);
    update();
  });
  // Ask before actions that cannot be undone.
  document.querySelectorAll("form[data-confirm]").forEach((f) => f.addEventListener("submit", (e) => {
    if (!window.confirm(f.getAttribute("data-confirm"))) e.preventDefault();
  }));
});
