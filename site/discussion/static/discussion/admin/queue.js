// The moderation queue without the mouse, and bulk actions that act at once (an undo follows),
// as on WordPress's comment screen. Without JavaScript every action still works: row actions are
// forms, and bulk actions go through Wagtail's confirmation page.
(() => {
  const rows = () => [...document.querySelectorAll("#listing-results tbody tr")];
  let current = -1;
  const select = (index) => {
    const all = rows();
    if (!all.length) return;
    current = Math.max(0, Math.min(index, all.length - 1));
    all.forEach((row, i) => row.classList.toggle("queue-current", i === current));
    all[current].scrollIntoView({ block: "nearest" });
    const first = all[current].querySelector("a, button");
    if (first) first.focus({ preventScroll: true });
  };
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    const key = event.key;
    if (key === "j" || key === "k") {
      select(current + (key === "j" ? 1 : -1));
      event.preventDefault();
      return;
    }
    const row = rows()[current];
    if (!row) return;
    if (key === "x") {
      const box = row.querySelector("[data-bulk-action-checkbox]");
      if (box) box.click();
      event.preventDefault();
      return;
    }
    const control = row.querySelector(`[data-queue-key="${CSS.escape(key)}"]`);
    if (control) {
      event.preventDefault();
      control.click();
    }
  });

  const MODERATE = /\/bulk\/discussion\/response\/(approve|spam|not-spam|trash)\/?$/;
  // "Select all in listing" reaches beyond this page: those go through Wagtail's own confirmation.
  let wholeListing = false;
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-bulk-action-num-objects-in-listing]")) wholeListing = !wholeListing;
  });
  document.addEventListener("change", (event) => {
    if (event.target.matches("[data-bulk-action-checkbox], [data-bulk-action-select-all-checkbox]")) wholeListing = false;
  });
  document.addEventListener(
    "click",
    (event) => {
      const link = event.target.closest("a[data-bulk-action-button]");
      if (!link) return;
      const url = new URL(link.getAttribute("href"), location.href);
      const ids = [...document.querySelectorAll("[data-bulk-action-checkbox]:checked")].map((box) => box.dataset.objectId);
      const token = document.querySelector('input[name="csrfmiddlewaretoken"]');
      if (wholeListing || !MODERATE.test(url.pathname) || !ids.length || !token) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      const form = document.createElement("form");
      form.method = "post";
      form.action = `${url.pathname}?${ids.map((id) => `id=${encodeURIComponent(id)}`).join("&")}&next=${encodeURIComponent(location.pathname + location.search)}`;
      form.innerHTML = `<input type="hidden" name="csrfmiddlewaretoken" value="${token.value}">`;
      document.body.append(form);
      form.submit();
    },
    true,
  );
})();
