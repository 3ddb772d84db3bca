// Staff sign-in in a real browser: headless Chromium (Debian's /usr/bin/chromium, or $CHROMIUM)
// driven by playwright-core, accessibility checked with axe-core (WCAG 2.1 A/AA).
//
//   node staff.mjs BASE_URL NAME PASSWORD INTERNAL_WORD
//
// NAME is a reader account; INTERNAL_WORD occurs only in an internal document. Run by
// tests/integration/browser.rs against a real `vidensbase serve --users FILE`. Prints one line
// per check; exits 1 when a check fails.
import { axe, check, finish, launch, noSideways } from "./checks.mjs";

const [base, name, password, word] = process.argv.slice(2);
if (!base || !name || !password || !word) {
  console.error("usage: node staff.mjs BASE_URL NAME PASSWORD INTERNAL_WORD");
  process.exit(2);
}

const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const page = await context.newPage();
  const results = async () => (await (await context.request.get(`${base}/api/search?q=${word}`)).json()).total;

  // Signed out: the internal word finds nothing; the footer offers the sign-in.
  await page.goto(`${base}/search?q=${word}`);
  check((await results()) === 0, "signed out, the internal document is not found");
  await page.getByRole("link", { name: "Log ind (medarbejdere)" }).click();
  await page.waitForURL(/\/login/);
  check((await page.locator("h1").innerText()) === "Log ind som medarbejder", "the sign-in page has its h1");
  await axe(page, "sign-in page");
  await page.getByLabel("Brugernavn").fill(name);
  await page.getByLabel("Adgangskode").fill("not the password at all");
  await page.getByRole("button", { name: "Log ind" }).click();
  check(await page.getByRole("alert").filter({ hasText: "Forkert brugernavn eller adgangskode" }).isVisible(), "a wrong password says so");
  await axe(page, "sign-in page with an error");
  await page.setViewportSize({ width: 320, height: 700 });
  await noSideways(page, "sign-in page at 320 px");
  await page.setViewportSize({ width: 1280, height: 900 });

  await page.getByLabel("Adgangskode").fill(password);
  await page.getByRole("button", { name: "Log ind" }).click();
  await page.waitForURL(new RegExp(`/search\\?q=${word}`));
  check(await page.getByText("Logget ind som").isVisible(), "signed in, the header says who");
  check((await page.locator(".hit").count()) === 1, "signed in, the internal document is a hit");
  check((await results()) === 1, "signed in, the API finds it too (the session cookie)");
  const cookie = (await context.cookies()).find((c) => c.name === "vidensbase_session");
  check(cookie && cookie.httpOnly && cookie.sameSite === "Strict", "the session cookie is HttpOnly and SameSite=Strict");
  await axe(page, "results signed in");
  await page.emulateMedia({ colorScheme: "dark" });
  await axe(page, "results signed in, dark mode");
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize({ width: 320, height: 700 });
  await noSideways(page, "results signed in at 320 px");
  await page.setViewportSize({ width: 1280, height: 900 });

  await page.getByRole("button", { name: "Log ud" }).click();
  await page.waitForURL(`${base}/`);
  check((await results()) === 0, "signed out again, the internal document is gone");
  check(await page.getByRole("link", { name: "Log ind (medarbejdere)" }).isVisible(), "signed out, the sign-in link is back");
} finally {
  await browser.close();
}
finish();
