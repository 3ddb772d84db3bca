// The search site in a real browser: headless Chromium (Debian's /usr/bin/chromium, or
// $CHROMIUM) driven by playwright-core, accessibility checked with axe-core (WCAG 2.1 A/AA) in
// light and dark mode, at 1280 and 320 px.
//
//   node site.mjs BASE_URL QUERY
//
// QUERY must find several documents, the first with more than one match in its text. Run by
// tests/integration/browser.rs against a real `vidensbase serve`. Prints one line per check;
// exits 1 when a check fails.
import { axe, check, contrast, finish, launch, noSideways } from "./checks.mjs";

const [base, query] = process.argv.slice(2);
if (!base || !query) {
  console.error("usage: node site.mjs BASE_URL QUERY");
  process.exit(2);
}

const h1s = (page) => page.locator("h1").count();

const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const page = await context.newPage();

  // Home: Danish, one h1, the search field focused, the skip link first.
  await page.goto(`${base}/`);
  check((await page.getAttribute("html", "lang")) === "da", "the interface is Danish by default");
  check((await h1s(page)) === 1, "home has one h1");
  check(await page.evaluate(() => document.activeElement?.id === "q"), "home focuses the search field");
  check((await page.locator('link[rel="search"]').getAttribute("href")) === "/opensearch.xml", "the OpenSearch description is linked");
  await axe(page, "home");

  // Search as you type: the results follow the field, its last word completed ("frivil" finds
  // "frivillige"), the address follows, the count is announced, and focus stays in the field.
  await page.locator("#q").pressSequentially("frivil", { delay: 80 });
  await page.waitForSelector("#resultater article.hit", { timeout: 15000 });
  await page.waitForFunction(() => /\?q=frivil(&|$)/.test(location.search), null, { timeout: 15000 });
  check(true, "typing shows results and the address follows");
  check(await page.evaluate(() => document.activeElement?.id === "q"), "focus stays in the field while results change");
  const marked = await page.locator("#resultater mark").allInnerTexts();
  check(marked.some((m) => /^frivil./i.test(m)), `a completion of the typed word is marked (${marked.slice(0, 4).join(", ")})`);
  const announced = await page.locator('p[role="status"]').innerText();
  check(/^\d+ resultat(er)?$/.test(announced), `the new count is announced (${announced})`);
  check((await page.locator("h1").innerText()) === "Søgeresultater for »frivil«", "the heading follows");
  await axe(page, "results typed in");
  // Without JavaScript the same form searches on Enter.
  const plain = await browser.newContext({ javaScriptEnabled: false });
  const noJs = await plain.newPage();
  await noJs.goto(`${base}/`);
  await noJs.locator("#q").fill(query);
  await noJs.keyboard.press("Enter");
  await noJs.waitForURL(/\/search\?q=/);
  check((await noJs.locator("article.hit").count()) > 0, "without JavaScript the form still searches");
  await plain.close();
  await page.goto(`${base}/`);

  // Results: heading, count, languages marked on each hit.
  await page.getByLabel("Søg i dokumenterne").fill(query);
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/search\?/);
  check((await page.locator("h1").innerText()) === `Søgeresultater for »${query}«`, "results have their h1");
  check((await h1s(page)) === 1, "results have one h1");
  check(await page.evaluate(() => document.activeElement?.id !== "q"), "the results page does not steal focus");
  await page.reload();
  await page.keyboard.press("Tab");
  check((await page.evaluate(() => document.activeElement?.textContent)) === "Gå til indhold", "the first Tab reaches the skip link");
  await page.keyboard.press("Enter");
  check(page.url().endsWith("#indhold"), "the skip link leads to the content");
  check(/^\d+ resultat(er)?$/.test(await page.locator("h2.count").innerText()), "the count is a heading in Danish");
  const hits = page.locator("article.hit");
  check((await hits.count()) > 1, "the query finds several documents");
  for (const hit of await hits.all()) {
    const lang = await hit.locator("h2").getAttribute("lang");
    const snippet = await hit.locator("p.snippet").getAttribute("lang");
    check(["da", "en"].includes(lang) && lang === snippet, `a hit's title and snippet carry its language (${lang})`);
    // Category, language and date stay apart when read aloud or copied.
    const meta = hit.locator("p.meta");
    const badges = await meta.locator(".badge").allInnerTexts();
    const text = await meta.innerText();
    const spoken = await meta.ariaSnapshot();
    check(badges.length === 2 && text.startsWith(badges.join(" · ")), `a hit's badges are apart in its text (${text})`);
    check(spoken.includes(badges.join(" · ")), `and in its accessible text (${spoken})`);
  }
  for (const link of await page.locator(".filters a, nav.pages a").all()) {
    const box = await link.boundingBox();
    if (box && box.height < 24) check(false, `tap target ${await link.innerText()} is ${box.height} px high`);
  }
  await axe(page, "results at 1280 px");

  // A filter: the chosen one is marked for assistive technology.
  await page.locator("#filter-sprog + ul a").nth(1).click();
  await page.waitForURL(/lang=/);
  check((await page.locator('#filter-sprog + ul a[aria-current="true"]').count()) === 1, "the chosen filter has aria-current");

  // Editions: a hit and its document page name the other edition, marked with its language.
  const filtered = page.url();
  await page.goto(`${base}/search?q=kanoklubben`);
  const edition = page.locator('article.hit p.editions a[hreflang="en"][lang="en"]');
  check((await edition.count()) === 1, "the hit names its English edition");
  check((await page.locator("article.hit").count()) === 1, "the English edition is no hit of its own");
  await axe(page, "a hit with its other edition");
  await page.goto(`${base}/doc/noter/kanoklub.md`);
  check((await page.locator("p.editions").innerText()).startsWith("Findes også på engelsk: "), "the document page names its English edition");
  await axe(page, "a document page with its other edition");
  await page.goto(filtered);

  // Narrow: no page scrolls sideways at 320 px.
  await page.setViewportSize({ width: 320, height: 800 });
  const documentUrl = await page.locator("article.hit h2 a").first().getAttribute("href");
  for (const url of ["/", `/search?q=${encodeURIComponent(query)}`, documentUrl, "/doc/noter/kanoklub.md", "/ingen/side", "/was", `/search?q=qqxyzzyqq&lang=da&category=kommuner`, `/search?q=${encodeURIComponent(query)}&ui=en`]) {
    await page.goto(base + url);
    await noSideways(page, `${url} at 320 px`);
  }
  await page.goto(`${base}/search?q=${encodeURIComponent(query)}`);
  await axe(page, "results at 320 px");

  // Dark, with a focus outline of at least 3:1 against the background in both schemes.
  for (const colorScheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme });
    await page.reload();
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press("Tab");
      const [what, style, color, background] = await page.evaluate(() => {
        const e = document.activeElement;
        const s = getComputedStyle(e);
        return [`${e.tagName} ${e.textContent.trim().slice(0, 20)}`, s.outlineStyle, s.outlineColor, getComputedStyle(document.body).backgroundColor];
      });
      const ratio = contrast(color, background);
      check(style !== "none" && ratio >= 3, `${colorScheme}: the focus outline of ${what} is ${ratio.toFixed(2)}:1 against the background`);
    }
  }
  await page.emulateMedia({ colorScheme: "dark" });
  await axe(page, "results in dark mode");
  const darkBackground = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  check(darkBackground !== "rgb(255, 255, 255)", `dark mode has a dark background (${darkBackground})`);
  await page.emulateMedia({ colorScheme: "light", media: "print" });
  check(await page.locator("form.search").isHidden(), "the search form is not printed");
  await page.emulateMedia({ media: "screen" });
  await page.setViewportSize({ width: 1280, height: 900 });

  // The document page: its title is the h1, and it leads from match to match and back.
  await page.locator("article.hit h2 a").first().click();
  await page.waitForURL(/\/doc\//);
  check((await h1s(page)) === 1, "the document page has one h1");
  check(["da", "en"].includes(await page.locator("h1").getAttribute("lang")), "the document's h1 carries its language");
  const first = page.getByRole("link", { name: /^Gå til første fund \(\d+\)$/ });
  check(await first.isVisible(), "the document page offers the first match");
  await first.click();
  check(page.url().endsWith("#fund-1"), "the link goes to the first match");
  check(await page.locator("#fund-1").isVisible(), "the first match is in view");
  const next = page.locator("#fund-1 + .hops a[aria-label^='Næste fund']");
  if ((await next.count()) > 0) {
    await next.click();
    check(page.url().endsWith("#fund-2"), "the next-match link goes to the second match");
  }
  await axe(page, "document page");
  await page.getByRole("link", { name: "← Tilbage til resultaterne" }).click();
  await page.waitForURL(/\/search\?/);
  check((await page.getByLabel("Søg i dokumenterne").inputValue()) === query, "back leads to the same results");

  // English on request, kept on every link and form.
  await page.getByRole("link", { name: "English" }).click();
  await page.waitForURL(/ui=en/);
  check((await page.getAttribute("html", "lang")) === "en", "ui=en makes the page English");
  check((await page.locator("h1").innerText()) === `Search results for “${query}”`, "the English h1");
  const local = await page.locator("a[href^='/search']:not([hreflang]), a[href^='/doc'], a[href^='/was']").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  const lost = local.filter((h) => !h.includes("ui=en"));
  check(local.length > 0 && lost.length === 0, `every link keeps ui=en${lost.length ? ": " + lost.join(", ") : ""}`);
  await page.getByLabel("Search the documents").fill("kommune");
  await page.keyboard.press("Enter");
  await page.waitForURL(/q=kommune/);
  check(page.url().includes("ui=en"), "the search form keeps ui=en");
  check((await page.getByRole("link", { name: "Dansk" }).getAttribute("lang")) === "da", "the link to Danish is marked Danish");
  await axe(page, "results in English");

  // Nothing found: a way out, and the filters that are on still say so.
  await page.goto(`${base}/search?q=qqxyzzyqq&lang=da`);
  check((await page.locator("h2.count").innerText()) === "0 resultater", "no results is a count too");
  check(await page.getByRole("link", { name: "Søg uden filtre" }).isVisible(), "no results offers searching without filters");
  const chosen = page.locator('#filter-sprog + ul a[aria-current="true"]');
  check((await chosen.count()) === 1 && (await chosen.innerText()) === "dansk (0)", "the language filter that found nothing is still shown as chosen");
  check((await page.locator("#filter-sprog + ul a", { hasText: "alle" }).getAttribute("href")) === "/search?q=qqxyzzyqq", "and its list has a link without it");
  await axe(page, "no results");

  // Hits that lack a word say which, under their snippet, in both colour schemes.
  await page.goto(`${base}/search?q=frivillige+qqxyzzyqq`);
  const lacks = page.locator("article.hit p.found");
  check((await lacks.count()) > 0 && (await lacks.first().innerText()) === "Mangler: qqxyzzyqq", "a hit names the word it lacks");
  await axe(page, "hits that lack a word");
  await page.emulateMedia({ colorScheme: "dark" });
  await axe(page, "hits that lack a word, dark mode");
  await page.emulateMedia({ colorScheme: "light" });

  // A question's answer box above the results: a labelled section, the quote in its own
  // language, in both colour schemes.
  await page.goto(`${base}/search?q=${encodeURIComponent("What is loneliness among older people?")}`);
  const box = page.locator("section.answer");
  check(await box.isVisible(), "a question gets an answer box");
  check((await box.locator("h2").innerText()).startsWith("Svar fra"), "the box says where the answer is from");
  check((await box.locator("blockquote").getAttribute("lang")) === "en", "the quote carries its language");
  check((await box.locator("blockquote mark").count()) > 0, "the query's words are marked in the quote");
  await axe(page, "answer box");
  await page.emulateMedia({ colorScheme: "dark" });
  await axe(page, "answer box, dark mode");
  await page.emulateMedia({ colorScheme: "light" });

  // "Kopiér link" beside a hit's PDF page: shown by the script, it copies the page's address and
  // says so; without the script there is no button that cannot work.
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
  await page.goto(`${base}/search?q=${encodeURIComponent("adgangskode nulstilles")}`);
  const copy = page.locator("article.hit button.copy-link").first();
  check(await copy.isVisible(), "a hit on a PDF page offers Kopiér link");
  const href = new URL(await copy.getAttribute("data-href"), base).href;
  check(/\/files\/manualer\/afsnit-sider\.pdf#page=\d+$/.test(href), `it links to the page of the original (${href})`);
  await copy.click();
  const copied = page.locator('article.hit [role="status"]');
  await copied.filter({ hasText: "er kopieret" }).waitFor({ timeout: 15000 });
  check((await page.evaluate(() => navigator.clipboard.readText())) === href, "the page's full address is on the clipboard");
  await axe(page, "a PDF hit with Kopiér link");
  await page.setViewportSize({ width: 320, height: 700 });
  check(await copy.isVisible(), "Kopiér link is there at 320 px");
  await noSideways(page, "a PDF hit at 320 px");
  await axe(page, "a PDF hit at 320 px");
  await page.setViewportSize({ width: 1280, height: 900 });
  const scriptless = await browser.newContext({ javaScriptEnabled: false });
  const still = await scriptless.newPage();
  await still.goto(`${base}/search?q=${encodeURIComponent("adgangskode nulstilles")}`);
  check((await still.locator("article.hit a[href*='#page=']").count()) > 0, "without JavaScript the page link is there");
  check(!(await still.locator("button.copy-link").first().isVisible()), "without JavaScript no copy button shows");
  await scriptless.close();

  // A scan the server reads by OCR in the background: once read, its hit says so.
  let scanned = null;
  const ocrDeadline = Date.now() + 60000;
  while (!scanned && Date.now() < ocrDeadline) {
    const found = await (await context.request.get(`${base}/api/search?q=libtasn1`)).json();
    scanned = found.hits.find((h) => h.ocr_confidence !== null) ?? null;
    if (!scanned) await new Promise((r) => setTimeout(r, 200));
  }
  check(scanned?.id === "scanninger/libtasn1-side.png", `a scan is found by the words OCR read (${scanned?.id})`);
  await page.goto(`${base}/search?q=libtasn1`);
  check(await page.locator("article.hit", { hasText: "tekst læst fra scanning" }).first().isVisible(), "its hit says its text was read from a scan");
  await axe(page, "a hit read by OCR");

  // The accessibility statement, linked from every page's footer.
  await page.getByRole("link", { name: "Tilgængelighedserklæring" }).click();
  await page.waitForURL(/\/was/);
  check((await page.locator("h1").innerText()) === "Tilgængelighedserklæring", "the statement has its h1");
  for (const heading of ["Overensstemmelsesstatus", "Indhold, der ikke er tilgængeligt", "Feedback og kontaktoplysninger", "Håndhævelsesprocedure"]) {
    check(await page.getByRole("heading", { name: heading }).isVisible(), `the statement has "${heading}"`);
  }
  await axe(page, "accessibility statement");

  // An unknown address: a Danish error page in the same frame.
  const missing = await page.goto(`${base}/ingen/side`);
  check(missing.status() === 404, "an unknown address is 404");
  check((await page.locator("h1").innerText()) === "Siden findes ikke", "the 404 page is Danish");
  await axe(page, "404 page");
} finally {
  await browser.close();
}
finish();
