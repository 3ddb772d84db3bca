// The admin page's upload form: files dropped on it are put into its file field.
// Progressive enhancement only: without this script the form works with "Vælg filer".
"use strict";
(function () {
  const form = document.getElementById("upload");
  const input = document.getElementById("files");
  const zone = document.getElementById("drop");
  if (!form || !input || !zone || typeof DataTransfer === "undefined") return;
  zone.hidden = false;
  const chosen = document.getElementById("chosen");
  const show = () => {
    const names = Array.from(input.files).map((f) => f.name);
    chosen.textContent = names.length ? "Valgt: " + names.join(", ") : "";
  };
  input.addEventListener("change", show);
  for (const type of ["dragenter", "dragover"]) {
    form.addEventListener(type, (e) => {
      e.preventDefault();
      zone.classList.add("over");
    });
  }
  form.addEventListener("dragleave", () => zone.classList.remove("over"));
  form.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    if (!e.dataTransfer || e.dataTransfer.files.length === 0) return;
    const files = new DataTransfer();
    for (const f of e.dataTransfer.files) files.items.add(f);
    input.files = files.files;
    show();
  });
})();
