// Search as you type in a real browser (headless Chromium driven by playwright-core): what the
// typing shows is what Enter, a reload and a shared link show; the status line speaks once per
// new result; an emptied field clears the results and the status.
//
//   node typing.mjs BASE_URL WORD...
//
// Each WORD must be one whose completions find documents that the word as written does not
// (`civilsam` → `civilsamfundet`). Run by tests/integration/browser.rs against a real
// `vidensbase serve`. Prints one line per check; exits 1 when a check fails.
import { axe, check, finish, launch, waitFor } from "./checks.mjs";

const [base, ...words] = process.argv.slice(2);
if (!base || words.length === 0) {
  console.error("usage: node typing.mjs BASE_URL WORD...");
  process.exit(2);
}

/// The results on the page: the count heading and the documents, in order.
async function shown(page) {
  return page.evaluate(() => {
    const count = document.querySelector("#resultater h2.count")?.textContent ?? null;
    const documents = Array.from(document.querySelectorAll("#resultater article.hit h2 a"), (a) => a.pathname);
    return JSON.stringify({ count, documents });
  });
}

/// Waits until the results for `query` have settled: the address names it (the script writes
/// the address after the results are in place).
function settled(page, query) {
  return waitFor(page, (q) => new URLSearchParams(location.search).get("q") === q, query);
}

/// Types `text` into the field key by key and waits until its results have settled.
async function typeAndSettle(page, text, query) {
  await page.locator("#q").pressSequentially(text, { delay: 60 });
  return settled(page, query);
}

const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const page = await context.newPage();

  // 1. Typing, Enter, a reload and a shared link agree.
  for (const word of words) {
    await page.goto(`${base}/`);
    check(await typeAndSettle(page, word, word), `typing ${word} shows results`);
    const typed = await shown(page);
    check(JSON.parse(typed).documents.length > 0, `the completions of ${word} find documents (${typed})`);
    const loaded = page.waitForEvent("load");
    await page.keyboard.press("Enter");
    await loaded;
    const entered = await shown(page);
    check(entered === typed, `Enter shows what typing ${word} showed (${typed} → ${entered})`);
    await page.reload();
    const reloaded = await shown(page);
    check(reloaded === typed, `a reload shows the same (${reloaded})`);
    const other = await context.newPage();
    await other.goto(page.url());
    const shared = await shown(other);
    check(shared === typed, `the address opened elsewhere shows the same (${shared})`);
    await other.close();
  }

  // 2. The status speaks once per new result, not on every pause.
  await page.goto(`${base}/`);
  await page.evaluate(() => {
    window.said = [];
    const status = document.querySelector('p[role="status"]');
    new MutationObserver(() => window.said.push(status.textContent)).observe(status, {
      childList: true,
      characterData: true,
      subtree: true,
    });
  });
  const word = "frivillig";
  let before = JSON.stringify({ count: null, documents: [] });
  let changes = 0;
  let pauses = 0;
  for (let end = 4; end <= word.length; end++) {
    // The first four letters in one input event, then a key at a time: a pause after each, and
    // none inside a step, however slow the machine.
    if (end === 4) await page.locator("#q").fill(word.slice(0, end));
    else await page.locator("#q").press(word[end - 1]);
    const ok = await settled(page, word.slice(0, end));
    check(ok, `typing ${word.slice(0, end)} settles`);
    const now = await shown(page);
    if (now !== before) changes++;
    before = now;
    pauses++;
  }
  const said = await page.evaluate(() => window.said.filter((s) => s !== ""));
  check(changes < pauses, `some pauses changed nothing (${changes} new results in ${pauses} pauses)`);
  check(said.length === changes, `the status spoke once per new result (${said.length} times: ${said.join(", ")})`);
  check(said.every((s) => /^\d+ resultat(er)?$/.test(s)), "it says the count");
  check(await page.evaluate(() => document.activeElement?.id === "q"), "focus stays in the field");
  await axe(page, "typed results");

  // 3. Emptying the field clears the results and the status, and the page is the home page again.
  await page.locator("#q").fill("");
  const cleared = await waitFor(page, () => {
    const status = document.querySelector('p[role="status"]');
    return !document.querySelector("#resultater article.hit, #resultater h2.count") && status && status.textContent === "";
  });
  check(cleared, "an emptied field clears the results and the status");
  const home = await waitFor(page, () => location.pathname === "/" && !document.querySelector("h1").textContent.includes("frivil"));
  check(home, `the heading and address leave the query (${page.url()})`);
  await axe(page, "emptied field");
  await page.reload();
  check((await shown(page)) === JSON.stringify({ count: null, documents: [] }), "a reload of the emptied page shows no results either");
} finally {
  await browser.close();
}
finish();
