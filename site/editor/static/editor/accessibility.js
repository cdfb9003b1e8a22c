// Names for Wagtail widgets that axe-core finds without one: the tag autocomplete input, rich text
// editors inside StreamField blocks, and the sidebar's search landmark. Re-applied as widgets appear.
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
  };
  new MutationObserver(apply).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", apply);
  apply();
})();
