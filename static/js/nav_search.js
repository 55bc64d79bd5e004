// The navigation's live search: Escape or a click elsewhere closes the list, the arrow keys move
// from the box through its links. Without JavaScript the box still opens the search page.
(function () {
  const form = document.getElementById("nav-search");
  if (!form) return;
  const box = form.querySelector("input[name=q]");
  const results = document.getElementById("nav-search-results");
  const links = () => Array.from(results.querySelectorAll("a"));
  const close = () => { results.replaceChildren(); };
  form.addEventListener("keydown", function (event) {
    const items = links();
    const at = items.indexOf(document.activeElement);
    if (event.key === "Escape") { close(); box.focus(); }
    else if (event.key === "ArrowDown" && items.length) { event.preventDefault(); items[Math.min(at + 1, items.length - 1)].focus(); }
    else if (event.key === "ArrowUp" && at >= 0) { event.preventDefault(); (at === 0 ? box : items[at - 1]).focus(); }
  });
  document.addEventListener("click", function (event) { if (!form.contains(event.target)) close(); });
})();
