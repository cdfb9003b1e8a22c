// Fixes for what axe-core finds in Wagtail's own admin markup, re-applied as widgets appear: names
// for the tag autocomplete input, rich text editors inside StreamField blocks and the sidebar's
// search landmark; icon-only dropdown toggles whose name leaves out their visible text; and result
// counts announced through a live region instead of an h2 with role="alert".
(() => {
  const name = (el, label) => {
    if (!el.hasAttribute("aria-label") && !el.hasAttribute("aria-labelledby")) el.setAttribute("aria-label", label);
  };
  const fieldLabel = (el, fallback) => {
    const field = el.closest("[data-field-wrapper], .w-field__wrapper, [data-contentpath]");
    const label = field && field.querySelector("label, .w-field__label, [data-streamfield-block-label]");
    return (label && label.textContent.replace("*", "").trim()) || fallback;
  };
  const apply = () => {
    document.querySelectorAll(".tagit input.ui-autocomplete-input").forEach((el) => name(el, `${fieldLabel(el, "Tags")}: add a tag`));
    document.querySelectorAll('[role="textbox"][contenteditable="true"]').forEach((el) => name(el, fieldLabel(el, "Rich text")));
    document.querySelectorAll('.sidebar form[role="search"], #wagtail-sidebar form[role="search"]').forEach((el) => name(el, "Search the admin"));
    document.querySelectorAll(".w-dropdown__toggle--icon[aria-label]").forEach((el) => {
      const visible = el.textContent.replace(/\s+/g, " ").trim();
      const label = el.getAttribute("aria-label");
      if (visible && !label.toLowerCase().includes(visible.toLowerCase())) el.setAttribute("aria-label", `${visible}: ${label}`);
    });
    document.querySelectorAll('h2[role="alert"]').forEach((el) => {
      el.removeAttribute("role");
      el.parentElement.setAttribute("aria-live", "polite");
    });
  };
  new MutationObserver(apply).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", apply);
  apply();
})();
