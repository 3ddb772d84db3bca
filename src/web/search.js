// Search as you type, on the home and results pages: a progressive enhancement of the search
// form, which works the same without this script.
//
// While a query is typed (and paused for 250 ms), the results page for it is fetched and its
// results replace the page's; the address follows, and focus stays in the field. The last word
// is completed (prefix=1: `civilsam` finds `civilsamfundet`), and prefix=1 is also put into the
// form, so Enter, a reload and a shared link show the results the typing showed. The status line
// tells screen readers the count once per new result, not on every pause. Emptying the field
// clears the results and the status at once.
//
// "Kopiér link" beside a hit's PDF page needs this script: it is shown here, copies the page's
// full address to the clipboard, and says so (or shows the address to copy by hand) in a status
// line.
"use strict";
(function () {
  const said = document.createElement("span");
  said.setAttribute("role", "status");
  said.setAttribute("aria-live", "polite");
  const show = (root) => root.querySelectorAll("button.copy-link[hidden]").forEach((b) => (b.hidden = false));
  show(document);
  new MutationObserver(() => show(document)).observe(document.body, { childList: true, subtree: true });
  document.addEventListener("click", async (event) => {
    const button = event.target.closest && event.target.closest("button.copy-link");
    if (!button) return;
    const address = new URL(button.dataset.href, location.href).href;
    button.after(said);
    try {
      await navigator.clipboard.writeText(address);
      said.className = "visually-hidden";
      said.textContent = button.dataset.copied;
    } catch (e) {
      // No clipboard (a page over plain HTTP, a refused permission): the address to copy.
      said.className = "copy-failed";
      said.textContent = " " + button.dataset.failed + address;
    }
  });
})();
(function () {
  const form = document.querySelector("form.search");
  const input = document.getElementById("q");
  if (!form || !input || !window.fetch || !window.DOMParser || !window.AbortController) return;
  if (!form.elements.namedItem("prefix")) {
    const prefix = document.createElement("input");
    prefix.type = "hidden";
    prefix.name = "prefix";
    prefix.value = "1";
    form.append(prefix);
  }
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
  // What the status last said a result was: its count and its documents, in order.
  let announced = results ? signature(results) : "";

  function signature(container) {
    const count = container.querySelector("h2.count");
    const documents = Array.from(container.querySelectorAll("article.hit h2 a"), (a) => a.pathname);
    return (count ? count.textContent : "") + "\n" + documents.join("\n");
  }

  function showResults(fresh) {
    if (results) results.replaceWith(fresh);
    else status.after(fresh);
    results = fresh;
    input.setAttribute("aria-controls", "resultater");
    const now = signature(fresh);
    if (now !== announced) {
      announced = now;
      const count = fresh.querySelector("h2.count");
      status.textContent = count ? count.textContent : "";
    }
  }

  function clearResults() {
    if (results) results.remove();
    results = null;
    input.removeAttribute("aria-controls");
    announced = "";
    if (status.textContent) status.textContent = "";
  }

  // The page for the field as it is now: the results page, or the home page for an empty field.
  async function update() {
    const q = input.value;
    if (q === shown) return;
    shown = q;
    const params = new URLSearchParams(new FormData(form));
    const empty = q.trim() === "";
    const address = empty ? (params.get("ui") === "en" ? "/?ui=en" : "/") : "/search?" + params.toString();
    if (pending) pending.abort();
    if (empty) clearResults();
    pending = new AbortController();
    let html;
    try {
      const response = await fetch(address, { signal: pending.signal });
      if (!response.ok) return;
      html = await response.text();
    } catch (e) {
      return; // aborted by a newer query, or offline: the form still works
    }
    const page = new DOMParser().parseFromString(html, "text/html");
    if (!empty) {
      const fresh = page.getElementById("resultater");
      if (!fresh) return;
      showResults(fresh);
    }
    const heading = document.querySelector("h1");
    const freshHeading = page.querySelector("h1");
    if (heading && freshHeading) heading.textContent = freshHeading.textContent;
    document.title = page.title;
    history.replaceState(null, "", address);
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    // An emptied field is cleared at once; a typed one waits for a pause.
    if (input.value.trim() === "") update();
    else timer = setTimeout(update, 250);
  });
})();
