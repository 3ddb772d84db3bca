// Search as you type, on the home and results pages: a progressive enhancement of the search
// form, which works the same without this script. While a query is typed (and paused for
// 250 ms), the results page for it is fetched with prefix=1 (the last word also matches what
// it begins) and its results replace the page's; the address follows, and a status line tells
// screen readers the new count. Focus stays in the field.
"use strict";
(function () {
  const form = document.querySelector("form.search");
  const input = document.getElementById("q");
  if (!form || !input || !window.fetch || !window.DOMParser || !window.AbortController) return;
  let results = document.getElementById("resultater");
  const status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  form.after(status);
  // aria-controls may only name an element that exists.
  if (results) input.setAttribute("aria-controls", "resultater");
  let timer = 0;
  let pending = null;
  let shown = input.value;

  async function update() {
    const q = input.value;
    if (q === shown || q.trim().length < 2) return;
    shown = q;
    const params = new URLSearchParams(new FormData(form));
    const address = "/search?" + params.toString();
    params.set("prefix", "1");
    if (pending) pending.abort();
    pending = new AbortController();
    let html;
    try {
      const response = await fetch("/search?" + params.toString(), { signal: pending.signal });
      if (!response.ok) return;
      html = await response.text();
    } catch (e) {
      return; // aborted by a newer query, or offline: the form still works
    }
    const page = new DOMParser().parseFromString(html, "text/html");
    const fresh = page.getElementById("resultater");
    if (!fresh) return;
    if (results) results.replaceWith(fresh);
    else status.after(fresh);
    results = fresh;
    input.setAttribute("aria-controls", "resultater");
    const heading = document.querySelector("h1");
    const freshHeading = page.querySelector("h1");
    if (heading && freshHeading) heading.textContent = freshHeading.textContent;
    document.title = page.title;
    history.replaceState(null, "", address);
    const count = fresh.querySelector("h2.count");
    status.textContent = count ? count.textContent : "";
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(update, 250);
  });
})();
