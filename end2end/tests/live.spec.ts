import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { HISTORY_ROWS, expectCustomer, hostLog, openConversation } from "./simulator";

/** The browser tests' embedded database (started by the server under test). */
function databaseUrl(): string {
  return execFileSync("../target/release/server", ["db", "up", "--dir", "../target/e2e-db"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  }).trim();
}

/** Runs SQL straight against the store, as another service or a SQL console would. */
function sql(statement: string) {
  execFileSync("psql", [databaseUrl(), "-v", "ON_ERROR_STOP=1", "-qc", statement]);
}

test("a status change made in Postgres shows in the open panel within a second", async ({ page }) => {
  const app = await openConversation(page, 101);
  await expectCustomer(app, "Jane Doe");
  const order = app.locator(`${HISTORY_ROWS}[data-order="1001"]`);
  await expect(order).toContainText("delivered");
  await expect(app.locator("main[data-live=open]")).toBeVisible();
  try {
    sql("update orderpane_store.orders set status = 'cancelled' where number = '1001'");
    await expect(order).toContainText("cancelled", { timeout: 1_000 });
  } finally {
    sql("update orderpane_store.orders set status = 'delivered' where number = '1001'");
  }
  await expect(order).toContainText("delivered", { timeout: 1_000 });
});

test("the pages of orders an agent opened stay open when a live change rebuilds the panel", async ({ page }) => {
  const marco = await openConversation(page, 109);
  await expectCustomer(marco, "Marco Rossi");
  await expect(marco.locator("main[data-live=open]")).toBeVisible();
  const rows = marco.locator(HISTORY_ROWS);
  await marco.locator("button.more").click();
  await expect(rows).toHaveCount(40);
  await marco.locator("button.more").click();
  await expect(rows).toHaveCount(45);
  // His oldest order, on the last page, changes: the panel is rebuilt and shows it.
  const oldest = marco.locator(`${HISTORY_ROWS}[data-order="1014"]`);
  try {
    sql("update orderpane_store.orders set status = 'cancelled' where number = '1014'");
    await expect(oldest).toContainText("cancelled", { timeout: 2_000 });
    await expect(rows).toHaveCount(45);
  } finally {
    sql("update orderpane_store.orders set status = 'delivered' where number = '1014'");
  }
  await expect(oldest).toContainText("delivered", { timeout: 2_000 });
  await expect(rows).toHaveCount(45);
});

test("a message from the helpdesk socket that names another order pins it, and a status change shows", async ({ page }) => {
  const app = await openConversation(page, 101);
  await expectCustomer(app, "Jane Doe");
  const pinned = app.locator('[data-state=mentioned] tr.order[data-order="1008"]');
  await expect(app.locator(HISTORY_ROWS).first()).toBeVisible();
  await expect(pinned).toHaveCount(0);
  await expect(app.locator("main[data-live=open]")).toBeVisible();
  // The contact writes; the simulator's server sends message.created on its ActionCable socket,
  // which Orderpane's server listens to.
  await page.evaluate(() => (window as any).simulator.contactWrites("And my sister's order #1008 & the invoice?"));
  await expect(pinned).toBeVisible({ timeout: 2_000 });
  await expect(pinned).toContainText("Lena Fischer");
  expect(await hostLog(page)).toContain("socket message.created → 204");

  await page.evaluate(() => (window as any).simulator.setStatus("resolved"));
  await expect(app.locator(".conversation-status")).toHaveText("Conversation resolved", { timeout: 2_000 });
});

test("while the push connection is down the panel says so, and catches up when it is back", async ({ page }) => {
  await page.route("**/api/live?**", (route) => route.abort());
  const app = await openConversation(page, 101);
  await expectCustomer(app, "Jane Doe");
  const offline = app.locator("[data-state=offline]");
  await expect(offline).toBeVisible();
  const order = app.locator(`${HISTORY_ROWS}[data-order="1003"]`);
  await expect(order).toContainText("delivered");
  try {
    // Changed while nothing can be pushed…
    sql("update orderpane_store.orders set status = 'cancelled' where number = '1003'");
    await page.waitForTimeout(500);
    await expect(order).toContainText("delivered");
    // …and caught up once the connection is back (EventSource retries by itself).
    await page.unroute("**/api/live?**");
    await expect(app.locator("main[data-live=open]")).toBeVisible();
    await expect(offline).toHaveCount(0);
    await expect(order).toContainText("cancelled");
  } finally {
    sql("update orderpane_store.orders set status = 'delivered' where number = '1003'");
  }
});
