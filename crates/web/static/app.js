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
  // Ask before actions that cannot be undone.
  document.querySelectorAll("form[data-confirm]").forEach((f) => f.addEventListener("submit", (e) => {
    if (!window.confirm(f.getAttribute("data-confirm"))) e.preventDefault();
  }));
});
