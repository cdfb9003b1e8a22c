// Chapter and transcript links seek the page's player; without JavaScript they open the media at that time (#t=).
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-start]");
  const player = document.getElementById("episode-player");
  if (!link || !player) return;
  event.preventDefault();
  player.currentTime = parseFloat(link.dataset.start);
  player.play();
});
