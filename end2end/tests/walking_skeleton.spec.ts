import { expect, test } from "@playwright/test";
import { APP_URL, FOREIGN_SIMULATOR_URL, SIMULATOR_URL } from "../playwright.config";
import { HISTORY_ROWS, expectCustomer, hostLog, openConversation } from "./simulator";

test("the framed panel shows the demo contact's customer and orders, newest first", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (message.text().includes("Content Security Policy")) violations.push(message.text());
  });
  const app = await openConversation(page, 101);
  await expectCustomer(app, "Jane Doe");
  await expect(app.locator(".customer")).toContainText("matched by customer id");
  const rows = app.locator(HISTORY_ROWS);
  await expect(rows).toHaveCount(5);
  await expect(rows.first()).toContainText("1005");
  await expect(rows.first()).toContainText("Nov 18, 2026");
  await expect(rows.first()).toContainText("processing");
  await expect(rows.first()).toContainText("€49.90");
  await expect(rows.last()).toContainText("1001");
  await expect(rows.last()).toContainText("€1,234.50");
  // Everything the page runs is allowed by its tight policy (scripts by nonce, wasm, self).
  expect(violations).toEqual([]);
});

test("the appContext posted at iframe load, before the wasm runs, is not lost", async ({ page }) => {
  // Hold the wasm back so that the host's load-time message certainly arrives first.
  await page.route("**/pkg/*.wasm", async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await route.continue();
  });
  const app = await openConversation(page, 104);
  await expectCustomer(app, "Kenji Sato");
  await expect(app.locator(HISTORY_ROWS).first()).toContainText("¥12,800");
  // The context came from the inbox: the app never had to ask the host again.
  const log = await hostLog(page);
  expect(log).toContain("sent appContext for conversation 104");
  expect(log).not.toContain("fetch-info");
});

test("the first lookup runs while the wasm loads, and the page adopts its answer", async ({ page }) => {
  const calls: string[] = [];
  page.on("request", (request) => {
    const path = new URL(request.url()).pathname;
    if (path.startsWith("/api/")) calls.push(path);
  });
  // Hold the wasm back: the lookup must not wait for it (the page fetches the wasm only once
  // the early panel is on screen).
  let lookedUpBeforeTheWasm = false;
  await page.route("**/pkg/*.wasm", async (route) => {
    lookedUpBeforeTheWasm = calls.includes("/api/panel/early");
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await route.continue();
  });
  const app = await openConversation(page, 104);
  await expectCustomer(app, "Kenji Sato");
  expect(lookedUpBeforeTheWasm).toBe(true);
  expect(calls.filter((path) => path === "/api/panel/early")).toHaveLength(1);
  expect(calls).not.toContain("/api/panel");

  // A page that would ask otherwise (the agent chose among several before) asks itself.
  const several = await openConversation(page, 103);
  await several.locator('.candidates li[data-customer="C-1004"]').getByRole("button").click();
  await expectCustomer(several, "Lena Fischer (old account)");
  calls.length = 0;
  await page.reload();
  await expectCustomer(several, "Lena Fischer (old account)");
  expect(calls).toContain("/api/panel/early");
  expect(calls).toContain("/api/panel");
});

test("the panel is readable before the wasm has started, and the wasm takes it over", async ({ page }) => {
  // Hold the wasm back until the panel has been read.
  let releaseWasm = () => {};
  const wasmHeld = new Promise<void>((resolve) => (releaseWasm = resolve));
  await page.route("**/pkg/*.wasm", async (route) => {
    await wasmHeld;
    await route.continue();
  });
  const app = await openConversation(page, 101);
  // The server rendered it into the early lookup's answer; the boot script showed it.
  const early = app.locator("#op-early");
  await expect(early.locator(".customer h1")).toHaveText("Jane Doe");
  await expect(early.locator(HISTORY_ROWS)).toHaveCount(5);
  await expect(early.locator(HISTORY_ROWS).first()).toContainText("€49.90");
  await expect(app.locator('[data-state="waiting"]')).toBeHidden();
  await expect(app.locator("html")).toHaveAttribute("data-early", "");
  // For reading only until the wasm is up: a click on it or on the toolbar would do nothing.
  const pointer = (selector: string) =>
    app.locator(selector).first().evaluate((element) => getComputedStyle(element).pointerEvents);
  expect(await pointer("button.refresh")).toBe("none");
  expect(await pointer(`#op-early ${HISTORY_ROWS} button`)).toBe("none");

  releaseWasm();
  // The wasm shows the same panel itself (the same HTML, adopted) and the early one goes:
  // nothing in #op-early, no mark.
  await expect(app.locator("html")).not.toHaveAttribute("data-early");
  await expect(early.locator("*")).toHaveCount(0);
  await expectCustomer(app, "Jane Doe");
  expect(await pointer("button.refresh")).toBe("auto");
  const rows = app.locator(HISTORY_ROWS);
  await expect(rows).toHaveCount(5);
  // And it is live: an order opens.
  await rows.first().locator("button").first().click();
  await expect(app.locator('[data-order-detail="1005"]')).toBeVisible();
});

test("when the host sends nothing at load, the app asks with fetch-info and the host answers", async ({ page }) => {
  const app = await openConversation(page, 101, { "silent-load": "1" });
  await expectCustomer(app, "Jane Doe");
  expect(await hostLog(page)).toContain("app asked for the context (fetch-info)");
});

test("the host's theme switches the panel to dark and back", async ({ page }) => {
  const app = await openConversation(page, 101);
  await expectCustomer(app, "Jane Doe");
  await expect(app.locator("main.panel")).not.toHaveClass(/dark/);
  await page.locator("#dark-theme").check();
  await expect(app.locator("main.panel")).toHaveClass(/dark/);
  await page.locator("#dark-theme").uncheck();
  await expect(app.locator("main.panel")).not.toHaveClass(/dark/);
});

test("each demo conversation shows its own state", async ({ page }) => {
  const phoneOnly = await openConversation(page, 102);
  await expectCustomer(phoneOnly, "Omar Haddad");
  await expect(phoneOnly.locator(".customer")).toContainText("matched by phone");
  await expect(phoneOnly.locator(HISTORY_ROWS).first()).toContainText("£15.00");

  const several = await openConversation(page, 103);
  await expect(several.locator("[data-state=several-matches]")).toContainText("2 customers match");
  await expect(several.locator(".candidates li")).toHaveCount(2);

  const noOrders = await openConversation(page, 105);
  await expect(noOrders.locator("[data-state=no-orders]")).toBeVisible();

  const noMatch = await openConversation(page, 106);
  await expect(noMatch.locator("[data-state=no-match]")).toBeVisible();

  const noKeys = await openConversation(page, 107);
  await expect(noKeys.locator("[data-state=no-keys]")).toBeVisible();

  // "0221 123-4567" with the install's region DE is +492211234567, Jane's number.
  const national = await openConversation(page, 108);
  await expectCustomer(national, "Jane Doe");
  await expect(national.locator(".customer")).toContainText("matched by phone");
});

test("an allowed origin can frame the app", async ({ page }) => {
  const app = await openConversation(page, 101, {}, SIMULATOR_URL);
  await expect(app.locator("main.panel")).toBeVisible();
});

test("an origin that is not allowed cannot frame the app", async ({ page }) => {
  const refusals: string[] = [];
  page.on("console", (message) => {
    if (message.text().includes("frame-ancestors")) refusals.push(message.text());
  });
  await openConversation(page, 101, {}, FOREIGN_SIMULATOR_URL);
  await expect.poll(() => refusals.length, { timeout: 10_000 }).toBeGreaterThan(0);
  expect(refusals[0]).toContain(APP_URL.replace(/\/$/, ""));
  // Nothing of the app rendered inside the refused frame.
  const appFrame = page.frames().find((frame) => frame.url().startsWith(APP_URL));
  expect(appFrame).toBeUndefined();
});
