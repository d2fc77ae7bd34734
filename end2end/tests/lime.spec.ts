import { expect, test } from "@playwright/test";
import { HISTORY_ROWS, expectCustomer, hostLog, openConversation } from "./simulator";

const lime = { host: "lime" };

test("Lime Connect: after ready, the context events show the customer, the operator verified by the host's JWT", async ({ page }) => {
  const app = await openConversation(page, 101, lime);
  await expectCustomer(app, "Jane Doe");
  await expect(app.locator(HISTORY_ROWS)).toHaveCount(5);
  // The operator comes from Lime's JWT, checked by the server; the contact is still the
  // page's word (Lime signs only the operator), and the panel says exactly that.
  const banner = app.locator("[data-state=unverified]");
  await expect(banner).toHaveAttribute("data-agent-verified", "true");
  await expect(banner).toContainText("Contact unverified");
  const log = await hostLog(page);
  expect(log).toContain("add-on sent ready");
  expect(log).toContain("add-on sent generate_jwt_token");
  expect(log).toContain("sent contact_information");
});

test("Lime Connect: a repeated contact_information updates the panel", async ({ page }) => {
  const app = await openConversation(page, 101, lime);
  await expectCustomer(app, "Jane Doe");
  await page.evaluate(() => (window as any).simulator.sendLimeContactOf(102));
  await expectCustomer(app, "Omar Haddad");
});

test("Lime Connect: an expired token is renewed without the agent noticing", async ({ page }) => {
  const app = await openConversation(page, 104, { ...lime, jwt: "expired-first" });
  await expectCustomer(app, "Kenji Sato");
  await expect(app.locator("[data-state=error]")).toHaveCount(0);
  const requests = (await hostLog(page)).split("add-on sent generate_jwt_token").length - 1;
  expect(requests).toBe(2);
});

test("messages that do not come from the host window and origin are ignored", async ({ page }) => {
  const app = await openConversation(page, 101, lime);
  await expectCustomer(app, "Jane Doe");
  const frame = page.frames().find((f) => f.url().includes("install=simulator-lime"));
  expect(frame).toBeDefined();
  // The app's own window (another origin than the host, and not the parent) names Lena.
  await frame!.evaluate(() =>
    window.postMessage({ name: "contact_information", payload: { id: "x", email: "lena@example.com" } }, "*"),
  );
  await page.waitForTimeout(500);
  await expectCustomer(app, "Jane Doe");
});
