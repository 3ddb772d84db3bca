// The admin page in a real browser: headless Chromium (Debian's /usr/bin/chromium, or
// $CHROMIUM) driven by playwright-core, accessibility checked with axe-core (WCAG 2.1 A/AA).
//
//   node admin.mjs BASE_URL TOKEN UPLOAD_PDF
//
// Run by tests/integration/browser.rs against a real `vidensbase serve` on a free port. Prints
// one line per check and the measured times; exits 1 when a check fails.
import { readFileSync } from "node:fs";
import { axe, check, finish, launch, noSideways } from "./checks.mjs";

const [base, token, pdf] = process.argv.slice(2);
if (!base || !token || !pdf) {
  console.error("usage: node admin.mjs BASE_URL TOKEN UPLOAD_PDF");
  process.exit(2);
}

/// Polls the search API until `found(total)` holds; the time it took in ms, or null.
async function waitForSearch(request, q, found, limitMs = 30000) {
  const start = Date.now();
  while (Date.now() - start < limitMs) {
    const r = await request.get(`${base}/api/search?q=${encodeURIComponent(q)}`);
    if (r.ok() && found((await r.json()).total)) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 50));
  }
  return null;
}

async function signIn(page) {
  await page.goto(`${base}/admin`);
  await page.getByLabel("Adgangsnøgle").fill(token);
  await page.getByRole("button", { name: "Log ind" }).click();
  await page.waitForURL(`${base}/admin`);
}

const browser = await launch();
try {
  // axe is injected into the page, so the page's own script policy is bypassed for it.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const page = await context.newPage();

  // Signing in: a wrong token is refused with a message, the right one opens a session.
  await page.setViewportSize({ width: 320, height: 800 });
  await page.goto(`${base}/admin`);
  await noSideways(page, "sign-in page at 320 px");
  await page.setViewportSize({ width: 1280, height: 900 });
  check((await page.locator("h1").innerText()) === "Administration", "sign-in page has its h1");
  await axe(page, "sign-in page");
  await page.getByLabel("Adgangsnøgle").fill("not-the-token-at-all");
  const refused = page.waitForResponse((r) => r.url().endsWith("/admin/login"));
  await page.getByRole("button", { name: "Log ind" }).click();
  check((await refused).status() === 401, "a wrong token answers 401");
  check(await page.getByRole("alert").filter({ hasText: "Forkert adgangsnøgle" }).isVisible(), "a wrong token says so");
  // A search that finds nothing, for the search log's table on the admin page.
  await page.goto(`${base}/search?q=zzqxintetfundet`);
  await signIn(page);
  check(await page.getByRole("button", { name: "Log ud" }).isVisible(), "the right token signs in");
  check(
    await page.getByRole("region", { name: "Søgninger uden resultater, de hyppigste først" }).getByText("zzqxintetfundet").isVisible(),
    "the search log lists the search that found nothing",
  );
  check(await page.getByRole("heading", { name: "Brugere" }).isVisible(), "an administrator sees the accounts");
  const cookie = (await context.cookies()).find((c) => c.name === "vidensbase_session");
  check(cookie && cookie.httpOnly && cookie.sameSite === "Strict", "session cookie is HttpOnly and SameSite=Strict");
  await axe(page, "admin page at 1280 px");

  // The last update in Danish time, as the browser's own time zone data has it.
  let shownTime = null;
  let expectedTime = null;
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    const before = (await (await context.request.get(`${base}/api/status`)).json()).last_commit;
    await page.reload();
    const text = await page.locator("#status-h + p").innerText();
    const after = (await (await context.request.get(`${base}/api/status`)).json()).last_commit;
    if (before && before === after) {
      shownTime = text.match(/senest opdateret (.*)$/)?.[1] ?? text;
      expectedTime = await page.evaluate((iso) => {
        const parts = Object.fromEntries(
          new Intl.DateTimeFormat("da-DK", { timeZone: "Europe/Copenhagen", day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
            .formatToParts(new Date(iso))
            .map((p) => [p.type, p.value]),
        );
        return `${parts.day}. ${parts.month} ${parts.year} kl. ${parts.hour}:${parts.minute}`;
      }, after);
      break;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  check(shownTime !== null && shownTime === expectedTime, `the last update is in Danish time (${shownTime}; Europe/Copenhagen: ${expectedTime})`);
  const skipped = page.locator("tr", { hasText: "kommuner/broken.txt" });
  check((await skipped.innerText()).includes("Ikke indekseret: filen er binær"), "a skipped file's reason is Danish");

  // Narrow: the page itself does not scroll sideways (the document table scrolls in its own
  // region, which the keyboard can reach).
  await page.setViewportSize({ width: 320, height: 800 });
  await noSideways(page, "admin page at 320 px");
  await axe(page, "admin page at 320 px");
  await page.setViewportSize({ width: 1280, height: 900 });
  check(await page.locator("#drop").isVisible(), "with JavaScript the drop zone is shown");

  // Dropping a file on the form puts it into the file field.
  await page.evaluate(() => {
    const files = new DataTransfer();
    files.items.add(new File(["Notat"], "droppet.txt", { type: "text/plain" }));
    const drop = new DragEvent("drop", { dataTransfer: files, bubbles: true, cancelable: true });
    document.getElementById("upload").dispatchEvent(drop);
  });
  check((await page.locator("#files").evaluate((i) => i.files.length)) === 1, "a dropped file lands in the file field");
  check((await page.locator("#chosen").innerText()).includes("droppet.txt"), "the dropped file is named");

  // A form posted without the session's CSRF token is refused.
  const forged = await context.request.post(`${base}/admin/reindex`, { form: { csrf: "forged" } });
  check(forged.status() === 403, `a form without the CSRF token answers 403 (got ${forged.status()})`);

  const documentsBefore = (await (await context.request.get(`${base}/api/status`)).json()).documents;

  // Without JavaScript: upload two files (a PDF and a text file) into a category.
  const plain = await browser.newContext({ viewport: { width: 390, height: 800 }, javaScriptEnabled: false, bypassCSP: true });
  const noJs = await plain.newPage();
  await signIn(noJs);
  check(await noJs.locator("#drop").isHidden(), "without JavaScript the drop zone stays hidden");
  await noSideways(noJs, "admin page at 390 px");
  const word = "zebrafinkeregister";
  await noJs.getByLabel(/^Filer/).setInputFiles([
    { name: "notat om fugle.txt", mimeType: "text/plain", buffer: Buffer.from(`Notat om ${word}\n\nKommunens ${word} over fugle.`) },
    { name: "rapport.pdf", mimeType: "application/pdf", buffer: readFileSync(pdf) },
  ]);
  await noJs.getByLabel(/^Kategori/).fill("uploads");
  const uploaded = Date.now();
  await noJs.getByRole("button", { name: "Tilføj" }).click();
  await noJs.waitForURL(`${base}/admin`);
  check((await noJs.getByRole("status").first().innerText()).includes("2 filer er tilføjet"), "the upload says 2 files were added");
  const found = await waitForSearch(context.request, word, (t) => t === 1);
  check(found !== null, "the uploaded text file is found by search");
  console.log(`time  upload answered → searchable: ${found} ms (${Date.now() - uploaded} ms from the click)`);

  // A file that is not what its name says is refused, and nothing is written.
  await noJs.getByLabel(/^Filer/).setInputFiles([{ name: "falsk.pdf", mimeType: "application/pdf", buffer: Buffer.from("not a pdf") }]);
  await noJs.getByRole("button", { name: "Tilføj" }).click();
  await noJs.waitForURL(`${base}/admin`);
  check(await noJs.getByRole("alert").filter({ hasText: "not what the name says" }).isVisible(), "a fake PDF is refused with the reason");

  // The list shows the new document with its category and state; the filter finds it.
  await noJs.goto(`${base}/admin?filter=fugle`);
  const row = noJs.locator("tr", { hasText: "uploads/notat om fugle.txt" });
  check((await row.count()) === 1, "the document list has the upload");
  check((await row.innerText()).includes("Indekseret"), "its state is Indekseret");
  await noSideways(noJs, "document list at 390 px");
  await plain.close();
  // axe needs JavaScript: the same page in the scripted browser, narrow.
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto(`${base}/admin?filter=fugle`);
  await axe(page, "document list at 390 px");
  await page.setViewportSize({ width: 1280, height: 900 });

  // Metadata: the upload form's optional fields, and a document's own form, filled with what the
  // index holds; a new title is searchable without a rebuild.
  await page.goto(`${base}/admin`);
  await page.locator("#upload details summary").click();
  check(await page.getByLabel("Kilde eller udgiver").isVisible(), "the upload form takes metadata");
  await axe(page, "upload form with its metadata fields");
  await page.goto(`${base}/admin?filter=fugle`);
  await page.getByRole("link", { name: "Ret metadata: uploads/notat om fugle.txt" }).click();
  check((await page.locator("h1").innerText()).startsWith("Metadata for"), "the metadata form opens");
  check((await page.getByLabel("Titel").inputValue()) === `Notat om ${word}`, "it shows the indexed title");
  check((await page.getByLabel(/^Kategori/).inputValue()) === "uploads", "it shows the category");
  await axe(page, "metadata form at 1280 px");
  await page.setViewportSize({ width: 320, height: 800 });
  await noSideways(page, "metadata form at 320 px");
  await axe(page, "metadata form at 320 px");
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByLabel("Titel").fill("Fuglenotat fra naturafdelingen");
  await page.getByLabel("Kilde eller udgiver").fill("Natur og Miljø");
  await page.getByRole("button", { name: "Gem" }).click();
  await page.waitForURL(`${base}/admin`);
  check((await page.getByRole("status").first().innerText()).includes("er gemt"), "saving says so");
  const retitled = await waitForSearch(context.request, "fuglenotat", (t) => t === 1);
  check(retitled !== null, "the new title is searchable");

  // Deleting asks first, then removes the file from search.
  await page.getByRole("button", { name: "Slet uploads/notat om fugle.txt" }).click();
  check((await page.locator("h1").innerText()) === "Slet dokument", "deleting asks for confirmation");
  await axe(page, "delete confirmation");
  await page.setViewportSize({ width: 320, height: 800 });
  await noSideways(page, "delete confirmation at 320 px");
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByRole("button", { name: "Slet", exact: true }).click();
  await page.waitForURL(`${base}/admin`);
  check((await page.getByRole("status").first().innerText()).includes("Slettet"), "the deletion says so");
  const gone = await waitForSearch(context.request, word, (t) => t === 0);
  check(gone !== null, "the deleted document is gone from search");
  console.log(`time  delete answered → gone from search: ${gone} ms`);

  // Re-index everything: searches keep answering, and the count comes back the same.
  const expected = documentsBefore + 1; // the PDF stays
  await page.reload();
  await page.getByRole("button", { name: "Indeksér alt forfra" }).click();
  await page.waitForURL(`${base}/admin`);
  check((await page.getByRole("status").first().innerText()).includes("bygges forfra"), "the rebuild says it started");
  let minimum = Infinity;
  const start = Date.now();
  for (;;) {
    const status = await (await context.request.get(`${base}/api/status`)).json();
    const total = (await (await context.request.get(`${base}/api/search?q=kommune`)).json()).total;
    minimum = Math.min(minimum, total);
    if (!status.rebuilding && !status.indexing && status.documents === expected) break;
    if (Date.now() - start > 60000) {
      check(false, `the rebuild finishes (status ${JSON.stringify(status)})`);
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  check(minimum > 0, `searches answered during the rebuild (fewest hits seen: ${minimum})`);
  console.log(`time  rebuild: ${Date.now() - start} ms`);

  // Signing out ends the session.
  await page.reload();
  await page.getByRole("button", { name: "Log ud" }).click();
  await page.waitForURL(`${base}/admin`);
  check(await page.getByLabel("Adgangsnøgle").isVisible(), "signing out shows the sign-in form again");

  // The search pages stay accessible too.
  for (const url of ["/", `/search?q=kommune`]) {
    await page.goto(base + url);
    await axe(page, `search site ${url}`);
  }
} finally {
  await browser.close();
}
finish();
