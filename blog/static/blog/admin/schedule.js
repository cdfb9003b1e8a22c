// The post editor's Publish button says "Schedule to publish" while the publish date is in the
// future, as publishing then schedules the post (see blog/scheduling.py).
(() => {
  const field = document.querySelector('input[name="date"]');
  const label = document.querySelector('button[name="action-publish"] [data-w-progress-target="label"]');
  if (!field || !label) return;
  const original = label.textContent.trim() === "Schedule to publish" ? "Publish" : label.textContent.trim();
  const update = () => {
    const value = field.value.trim().replace(" ", "T");
    const when = value ? new Date(value) : null;
    label.textContent = when && when.getTime() > Date.now() ? "Schedule to publish" : original;
  };
  field.addEventListener("change", update);
  field.addEventListener("input", update);
  update();
})();
