// Reading and answering without reloading the page. Without JavaScript the page works as before:
// "Reply" opens the form for that response at #respond, and nothing is remembered.
// - Reply in place: the form moves under the response answered, and focus goes to the comment box.
// - "Save my name, email and website in this browser": a first-party cookie, off until ticked,
//   read only here, so the page itself stays the same for every reader (and cacheable).
(() => {
  const respond = document.getElementById("respond");
  const form = respond && respond.querySelector("form.comment-form");
  if (!form) return;
  const title = respond.querySelector(".respond-title");
  const parent = form.querySelector('input[name="parent"]');
  const home = document.createComment("respond");
  respond.before(home);
  const originalTitle = title.innerHTML;

  const cancel = () => {
    home.after(respond);
    parent.value = "";
    title.innerHTML = originalTitle;
  };
  const replyTo = (link) => {
    const item = link.closest("li.response");
    const id = new URL(link.href, location.href).searchParams.get("replyto");
    const name = item.querySelector(".response-author").textContent.trim();
    item.querySelector(".response-body").after(respond);
    parent.value = id;
    title.textContent = `Reply to ${name} `;
    const undo = document.createElement("a");
    undo.href = "#respond";
    undo.className = "cancel-reply";
    undo.rel = "nofollow";
    undo.textContent = "Cancel reply";
    undo.addEventListener("click", (event) => {
      event.preventDefault();
      cancel();
      link.focus();
    });
    title.append(undo);
    form.querySelector("textarea").focus();
  };
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a.reply-link");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    replyTo(link);
  });

  const COOKIE = "bc_commenter";
  const FIELDS = ["author_name", "author_email", "author_url"];
  const remember = document.getElementById("remember-commenter");
  const box = remember && remember.querySelector("input");
  if (!box) return;
  remember.hidden = false;
  const stored = document.cookie.split("; ").find((part) => part.startsWith(`${COOKIE}=`));
  if (stored) {
    try {
      const saved = JSON.parse(decodeURIComponent(stored.slice(COOKIE.length + 1)));
      FIELDS.forEach((name) => {
        const input = form.elements[name];
        if (input && !input.value && typeof saved[name] === "string") input.value = saved[name];
      });
      box.checked = true;
    } catch (error) {
      document.cookie = `${COOKIE}=; path=/; max-age=0; samesite=lax`;
    }
  }
  form.addEventListener("submit", () => {
    const secure = location.protocol === "https:" ? "; secure" : "";
    if (box.checked) {
      const value = Object.fromEntries(FIELDS.map((name) => [name, (form.elements[name] || {}).value || ""]));
      document.cookie = `${COOKIE}=${encodeURIComponent(JSON.stringify(value))}; path=/; max-age=31536000; samesite=lax${secure}`;
    } else {
      document.cookie = `${COOKIE}=; path=/; max-age=0; samesite=lax${secure}`;
    }
  });
})();
