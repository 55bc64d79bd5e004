// Show only the parts of the trajectory form that the chosen type uses. Without JavaScript
// every part stays visible and the server still checks what belongs to which type.
(function () {
  const type = document.getElementById("id_type");
  if (!type) return;
  const follows = document.getElementById("div_id_follows");
  function update() {
    document.querySelectorAll("fieldset.for-type").forEach(function (fieldset) {
      fieldset.hidden = !fieldset.dataset.types.split(" ").includes(type.value);
    });
    if (follows) follows.hidden = type.value !== "nazorg";
  }
  type.addEventListener("change", update);
  update();
})();
