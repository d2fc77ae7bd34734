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
// With --reference URL, the same runs time the reference page too (bench/src/bin/
// reference_panel.rs: a plain server-rendered page with a few lines of inline JavaScript),
// framed by the same simulator (`?app=URL`), each Orderpane run followed by a reference run so
// that both see the same machine, and the ratio of their medians is printed.
// This is a measurement, not a test: it lives outside end2end/tests so `npx playwright test`
// never runs it. Usage:
//   node end2end/bench/navigation.mjs --simulator http://localhost:3430/ --runs 7
//     [--reference http://127.0.0.1:3440/] [--json FILE]
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { chromium } from "@playwright/test";

const { values } = parseArgs({
  options: {
    simulator: { type: "string", default: "http://localhost:3430/" },
    runs: { type: "string", default: "25" },
    reference: { type: "string" },
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
    // The page's own lookup when it made one (it fell back), else the boot script's early
    // one; the reference page's only call.
    const path = (r) => new URL(r.name).pathname;
    const panel =
      resources.find((r) => path(r) === "/api/panel") ??
      resources.find((r) => path(r) === "/api/panel/early") ??
      resources.find((r) => path(r) === "/lookup");
    return {
      first_order_row_ms: window.__firstOrderRow,
      document_ms: navigation ? navigation.responseEnd : null,
      dom_content_loaded_ms: navigation ? navigation.domContentLoadedEventEnd : null,
      // When the host posts its context (Chatwoot: on the frame's load event).
      load_event_ms: navigation ? navigation.loadEventStart : null,
      // Everything the frame transferred (compressed sizes; 0 for what came from the cache).
      transfer_bytes:
        (navigation ? navigation.transferSize : 0) + resources.reduce((sum, r) => sum + r.transferSize, 0),
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
  // The pages to time: Orderpane (the simulator's own app URL) and, if given, the reference.
  const pages = [{ name: "orderpane", app: null }];
  if (values.reference) pages.push({ name: "reference", app: values.reference });
  const url = (page, conversation) =>
    `${values.simulator}?conversation=${conversation}` +
    (page.app ? `&app=${encodeURIComponent(page.app)}` : "");

  /** A cold load of conversation 101: a fresh context, so nothing is cached. */
  async function cold(page) {
    const context = await browser.newContext();
    await context.addInitScript(recordFirstOrderRow);
    const tab = await context.newPage();
    await tab.goto(url(page, 101));
    const timings = await frameTimings(tab);
    await context.close();
    return timings;
  }

  /** A tab that has shown conversation 104 (assets cached), for warm switches. */
  async function warmTab(page) {
    const context = await browser.newContext();
    await context.addInitScript(recordFirstOrderRow);
    const tab = await context.newPage();
    await tab.goto(url(page, 104));
    await frameTimings(tab);
    return { context, tab };
  }

  /** A warm switch to conversation 101 (a new iframe, as in Chatwoot), then back, unmeasured. */
  async function warm(tab) {
    await tab.locator('nav button[data-id="101"]').click();
    const timings = await frameTimings(tab);
    await tab.locator('nav button[data-id="104"]').click();
    await frameTimings(tab);
    return timings;
  }

  // One unmeasured page of each first, so that the servers' own first-use costs are not counted.
  for (const page of pages) await cold(page);
  const samples = Object.fromEntries(pages.map((p) => [p.name, { cold: [], warm: [] }]));
  for (let i = 0; i < runs; i++) {
    for (const page of pages) samples[page.name].cold.push(await cold(page));
  }
  const tabs = [];
  for (const page of pages) tabs.push(await warmTab(page));
  for (let i = 0; i < runs; i++) {
    for (const [index, page] of pages.entries()) samples[page.name].warm.push(await warm(tabs[index].tab));
  }
  for (const { context } of tabs) await context.close();

  const spread = (xs) => {
    const sorted = xs.filter((x) => typeof x === "number").sort((a, b) => a - b);
    return sorted.length ? [sorted[0], sorted[sorted.length - 1]] : [null, null];
  };
  const fmt = (x) => (x === null ? "–" : `${x.toFixed(0)} ms`);
  const result = { runs };
  for (const page of pages) {
    const ours = samples[page.name];
    result[page.name] = {
      cold: summary(ours.cold),
      warm: summary(ours.warm),
      cold_samples: ours.cold,
      warm_samples: ours.warm,
    };
    for (const kind of ["cold", "warm"]) {
      const s = result[page.name][kind];
      const [low, high] = spread(ours[kind].map((x) => x.first_order_row_ms));
      console.log(
        `navigation ${page.name} ${kind} (median of ${runs}): first order row ${fmt(s.first_order_row_ms)}` +
          ` (spread ${fmt(low)}–${fmt(high)}; load event ${fmt(s.load_event_ms)},` +
          ` document ${fmt(s.document_ms)}, wasm ${fmt(s.wasm_loaded_ms)},` +
          ` panel call ${fmt(s.panel_call_start_ms)}–${fmt(s.panel_call_end_ms)},` +
          ` ${ours[kind][0].panel_call ?? "no call"}, ${(s.transfer_bytes / 1024).toFixed(1)} KiB transferred)`,
      );
    }
  }
  if (result.reference) {
    result.ratio = {};
    for (const kind of ["cold", "warm"]) {
      const ratio = result.orderpane[kind].first_order_row_ms / result.reference[kind].first_order_row_ms;
      result.ratio[kind] = ratio;
      console.log(`navigation ${kind}: Orderpane takes ${ratio.toFixed(2)}× the reference's time to its first order row`);
    }
  }
  if (values.json) writeFileSync(values.json, JSON.stringify(result, null, 2));
} finally {
  await browser.close();
}
