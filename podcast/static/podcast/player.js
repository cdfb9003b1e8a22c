// Chapter and transcript links seek the page's player; without JavaScript they open the media at that time (#t=).
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-start]");
  const player = document.getElementById("episode-player");
  if (!link || !player) return;
  event.preventDefault();
  player.currentTime = parseFloat(link.dataset.start);
  player.play().catch(() => {});
});

// The chapter being played is marked, so listeners see where they are.
document.addEventListener("DOMContentLoaded", () => {
  const player = document.getElementById("episode-player");
  const chapters = [...document.querySelectorAll(".chapters li")];
  if (!player || !chapters.length) return;
  player.addEventListener("timeupdate", () => {
    let current = null;
    for (const item of chapters) {
      if (parseFloat(item.querySelector("a[data-start]").dataset.start) <= player.currentTime) current = item;
    }
    for (const item of chapters) {
      if (item === current) item.setAttribute("aria-current", "true");
      else item.removeAttribute("aria-current");
    }
  });
});
