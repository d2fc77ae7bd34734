import { expect, test } from "@playwright/test";
import { APP_URL, FOREIGN_SIMULATOR_URL } from "../playwright.config";
import { expectCustomer, openConversation } from "./simulator";

test("the app opened without its install key says why and shows no customer data", async ({ page }) => {
  const response = await page.goto(APP_URL);
  expect(response?.status()).toBe(401);
  await expect(page.getByRole("alert")).toContainText("missing its install key");
  await expect(page.locator("main.panel")).toHaveCount(0);
});

test("a forged context posted by a page that is not the registered host shows nothing", async ({ page }) => {
  // The foreign origin frames the app (refused by frame-ancestors) and posts a context
  // naming a customer, as an attacker's page would.
  const refusals: string[] = [];
  page.on("console", (message) => {
    if (message.text().includes("frame-ancestors")) refusals.push(message.text());
  });
  await openConversation(page, 101, {}, FOREIGN_SIMULATOR_URL);
  await expect.poll(() => refusals.length).toBeGreaterThan(0);
  await page.evaluate(() => {
    const frame = document.getElementById("dashboard-app") as HTMLIFrameElement;
    frame.contentWindow?.postMessage(
      JSON.stringify({ event: "appContext", data: { contact: { email: "jane@example.com" } } }),
      "*",
    );
  });
  await page.waitForTimeout(500);
  expect(page.frames().some((frame) => frame.url().startsWith(APP_URL))).toBe(false);
});

test("the registered host's page gets a session and the panel works with it", async ({ page }) => {
  const app = await openConversation(page, 101);
  await expectCustomer(app, "Jane Doe");
  const token = await app.locator('meta[name="orderpane-session"]').getAttribute("content");
  expect(token?.split(".")).toHaveLength(3);
  // The install key of the registered URL is not kept in the page.
  expect(await app.locator("html").innerHTML()).not.toContain("key=");
});
