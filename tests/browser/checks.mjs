// What both browser scripts share: the browser, the check log, axe-core and the sideways test.
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const failures = [];

/// Logs one check; a failed one makes `finish` exit 1.
export function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
}

/// Debian's headless Chromium (or $CHROMIUM).
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
  });
}

/// axe-core's WCAG 2.1 A and AA rules on the page as it is now (needs JavaScript, and a
/// context with `bypassCSP`, since axe is injected).
export async function axe(page, label) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
  );
  const found = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  check(found.length === 0, `axe ${label}${found.length ? " — " + found.join("; ") : ""}`);
}

/// Polls `predicate(arg)` in the page until it is true or `limitMs` passed; whether it became
/// true (a check, not an exception, so the script goes on and reports every failure).
export async function waitFor(page, predicate, arg, limitMs = 15000) {
  try {
    await page.waitForFunction(predicate, arg, { timeout: limitMs, polling: 50 });
    return true;
  } catch (e) {
    return false;
  }
}

/// The WCAG contrast ratio of two CSS colours as `getComputedStyle` gives them (`rgb(…)`).
export function contrast(a, b) {
  const luminance = (css) => {
    const [r, g, b] = css.match(/[\d.]+/g).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/// No sideways scrolling: the document is no wider than the viewport.
export async function noSideways(page, label) {
  const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  check(scroll <= width, `${label}: no horizontal scrolling (${scroll} ≤ ${width})`);
}

/// Exits 1 if a check failed; else says that all passed (tests/integration/browser.rs looks for it).
export function finish() {
  if (failures.length) {
    console.error(`${failures.length} check(s) failed`);
    process.exit(1);
  }
  console.log("all browser checks passed");
}
