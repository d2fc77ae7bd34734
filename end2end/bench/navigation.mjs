// Navigation timing of the panel in headless Chromium: in the host simulator, how long from
// the app iframe's navigation start until its first order row (`tr.order`) is visible.
//
// - cold: a fresh browser context (empty cache) opens the simulator on conversation 101;
// - warm: in a context that has already shown conversation 104 (assets cached), the agent
//   clicks conversation 101, which, as in Chatwoot, makes a new iframe.
//
// A script injected into every frame records, inside the app's frame, performance.now() (ms
// since that frame's navigation start) when a MutationObserver first sees a rendered
// tr.order, with the document's, the wasm's and the panel call's resource timings beside it.
// This is a measurement, not a test: it lives outside end2end/tests so `npx playwright test`
// never runs it. Usage:
//   node end2end/bench/navigation.mjs --simulator http://localhost:3430/ --runs 7 [--json FILE]
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { chromium } from "@playwright/test";

const { values } = parseArgs({
  options: {
    simulator: { type: "string", default: "http://localhost:3430/" },
    runs: { type: "string", default: "7" },
    json: { type: "string" },
  },
});
const runs = Number.parseInt(values.runs, 10);
if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs must be a whole number ≥ 1");

/** Runs in every frame before its own scripts; records only inside the app's frame. */
function recordFirstOrderRow() {
  if (window === window.top) return;
  const rendered = () => {
    const row = document.querySelector("tr.order");
    return row !== null && row.getClientRects().length > 0;
  };
  const observer = new MutationObserver(() => {
    if (window.__firstOrderRow === undefined && rendered()) {
      window.__firstOrderRow = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
}

/** The app frame's timings, once its first order row has shown. */
async function frameTimings(page) {
  const handle = await page.waitForSelector("#dashboard-app");
  const frame = await handle.contentFrame();
  if (!frame) throw new Error("the simulator has no app frame");
  await frame.waitForFunction(() => window.__firstOrderRow !== undefined, null, { timeout: 30_000 });
  return frame.evaluate(() => {
    const navigation = performance.getEntriesByType("navigation")[0];
    const resources = performance.getEntriesByType("resource");
    const wasm = resources.find((r) => r.name.endsWith(".wasm"));
    // The page's own lookup when it made one (it fell back), else the boot script's early one.
    const path = (r) => new URL(r.name).pathname;
    const panel =
      resources.find((r) => path(r) === "/api/panel") ??
      resources.find((r) => path(r) === "/api/panel/early");
    return {
      first_order_row_ms: window.__firstOrderRow,
      document_ms: navigation ? navigation.responseEnd : null,
      dom_content_loaded_ms: navigation ? navigation.domContentLoadedEventEnd : null,
      wasm_loaded_ms: wasm ? wasm.responseEnd : null,
      wasm_transfer_bytes: wasm ? wasm.transferSize : null,
      panel_call_start_ms: panel ? panel.startTime : null,
      panel_call_end_ms: panel ? panel.responseEnd : null,
      // /api/panel/early when the boot script's lookup was adopted, /api/panel otherwise.
      panel_call: panel ? path(panel) : null,
      // Every panel call of the frame: both appear when the page did not adopt the early one.
      panel_calls: resources.map(path).filter((p) => p.startsWith("/api/panel")).join(" "),
    };
  });
}

const median = (xs) => {
  const sorted = xs.filter((x) => typeof x === "number").sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const summary = (samples) =>
  Object.fromEntries(Object.keys(samples[0]).map((key) => [key, median(samples.map((s) => s[key]))]));

const browser = await chromium.launch({
  // Debian's Chromium, launched as the browser tests launch it (playwright.config.ts).
  executablePath: "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
});
try {
  const url = (conversation) => `${values.simulator}?conversation=${conversation}`;
  // One unmeasured page first, so that the server's own first-use costs are not counted.
  {
    const context = await browser.newContext();
    await context.addInitScript(recordFirstOrderRow);
    const page = await context.newPage();
    await page.goto(url(101));
    await frameTimings(page);
    await context.close();
  }

  const cold = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext();
    await context.addInitScript(recordFirstOrderRow);
    const page = await context.newPage();
    await page.goto(url(101));
    cold.push(await frameTimings(page));
    await context.close();
  }

  const warm = [];
  const context = await browser.newContext();
  await context.addInitScript(recordFirstOrderRow);
  const page = await context.newPage();
  await page.goto(url(104));
  await frameTimings(page);
  for (let i = 0; i < runs; i++) {
    await page.locator('nav button[data-id="101"]').click();
    warm.push(await frameTimings(page));
    // Back to 104, unmeasured, so that every measured switch is the same one.
    await page.locator('nav button[data-id="104"]').click();
    await frameTimings(page);
  }
  await context.close();

  const result = { runs, cold: summary(cold), warm: summary(warm), cold_samples: cold, warm_samples: warm };
  const fmt = (x) => (x === null ? "–" : `${x.toFixed(0)} ms`);
  for (const kind of ["cold", "warm"]) {
    const s = result[kind];
    console.log(
      `navigation ${kind} (median of ${runs}): first order row ${fmt(s.first_order_row_ms)}` +
        ` (document ${fmt(s.document_ms)}, wasm ${fmt(s.wasm_loaded_ms)},` +
        ` panel call ${fmt(s.panel_call_start_ms)}–${fmt(s.panel_call_end_ms)},` +
        ` ${result[`${kind}_samples`][0].panel_call ?? "no call"})`,
    );
  }
  if (values.json) writeFileSync(values.json, JSON.stringify(result, null, 2));
} finally {
  await browser.close();
}
