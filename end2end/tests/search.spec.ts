import { expect, test } from "@playwright/test";
import { expectCustomer, HISTORY_ROWS, openConversation } from "./simulator";

// Customer search and links, on the simulator's install that verifies through its fake
// Chatwoot REST API (?api=1): the link is kept by Orderpane and written to the helpdesk
// contact's custom attribute (PATCH), which the simulator shows as "Contact fields".
test("no customer matches: the agent searches, links one, the link is kept and written back, and can be undone", async ({ page }) => {
  const app = await openConversation(page, 106, { api: "1" });
  await expect(app.locator("[data-state=no-match]")).toBeVisible();
  await expect(app.locator("[data-state=unverified]")).toHaveCount(0);
  // The narrowest panel Orderpane supports.
  await page.evaluate(() => {
    const frame = document.getElementById("dashboard-app");
    if (frame) frame.style.width = "320px";
  });

  const box = app.getByLabel("Find the customer in the store");
  // Too short: said before anything is sent.
  await box.fill("a");
  await box.press("Enter");
  await expect(app.locator("[data-state=search-error]")).toContainText("Type at least 2 characters");
  // Nothing found: what to try instead.
  await box.fill("zz-nobody");
  await box.press("Enter");
  await expect(app.locator("[data-state=search-empty]")).toContainText("try their email, phone or an order number");

  await box.fill("haddad");
  await box.press("Enter");
  await expect(app.locator("[data-state=search-results]")).toHaveText("1 customer found.");
  const result = app.locator(".search-results li[data-customer='C-1002']");
  await expect(result).toContainText("Omar Haddad");
  await expect(result).toContainText("name: Omar Haddad");
  const fits = await app.locator("main.panel").evaluate(
    () => document.documentElement.scrollWidth <= document.documentElement.clientWidth,
  );
  expect(fits, "no sideways scrolling at 320 px").toBe(true);

  // Linked with the keyboard.
  await result.getByRole("button", { name: "Link Omar Haddad (C-1002) to this contact" }).focus();
  await page.keyboard.press("Enter");
  await expectCustomer(app, "Omar Haddad");
  await expect(app.locator(".customer")).toContainText("C-1002 · linked by an agent");
  await expect(app.locator(HISTORY_ROWS)).toHaveCount(2);
  await expect(app.locator(".notice")).toContainText("Omar Haddad (C-1002) is now linked to this contact.");
  // The PATCH reached the helpdesk: its contact names the customer now.
  await expect(page.locator("#contact-fields")).toContainText('"store_customer_id":"C-1002"');

  // Coming back (a new frame, as when the agent reopens the conversation) shows it at once.
  await page.reload();
  const again = page.frameLocator("#dashboard-app");
  await expectCustomer(again, "Omar Haddad");
  await expect(again.locator(".customer")).toContainText("linked by an agent");

  // A wrong link is undone, in Orderpane and in the helpdesk.
  await again.getByRole("button", { name: "Unlink Omar Haddad from this contact" }).click();
  await expect(again.locator("[data-state=no-match]")).toBeVisible();
  await expect(again.locator(".notice")).toContainText("Omar Haddad is no longer linked to this contact.");
  await expect(page.locator("#contact-fields")).toContainText('"store_customer_id":null');
});

test("a shown customer can be replaced: \"Not this customer? Search\" opens the search, focused", async ({ page }) => {
  // Kenji (conversation 104) is found by his customer id; the agent links another customer.
  const app = await openConversation(page, 104, { api: "1" });
  await expectCustomer(app, "Kenji Sato");
  const offer = app.getByRole("button", { name: "Not this customer? Search" });
  await expect(offer).toHaveAttribute("aria-expanded", "false");
  await offer.click();
  await expect(offer).toHaveAttribute("aria-expanded", "true");
  const box = app.getByLabel("Find the customer in the store");
  await expect(box).toBeFocused();
  await page.keyboard.type("#1008");
  await page.keyboard.press("Enter");
  const result = app.locator(".search-results li[data-customer='C-1003']");
  await expect(result).toContainText("order: 1008");
  await result.getByRole("button", { name: /^Link Lena Fischer/ }).click();
  await expectCustomer(app, "Lena Fischer");
  await expect(app.locator(".customer")).toContainText("linked by an agent");
  // Kenji still matches by his id, listed for the agent to see.
  await expect(app.locator("[data-state=also-matches]")).toContainText("Kenji Sato");

  await app.getByRole("button", { name: "Unlink Lena Fischer from this contact" }).click();
  await expectCustomer(app, "Kenji Sato");
});

test("Lime Connect: a customer linked from the search is written to the contact's field through the host", async ({ page }) => {
  const app = await openConversation(page, 106, { host: "lime" });
  await expect(app.locator("[data-state=no-match]")).toBeVisible();
  const box = app.getByLabel("Find the customer in the store");
  await box.fill("haddad");
  await box.press("Enter");
  await app
    .locator(".search-results li[data-customer='C-1002']")
    .getByRole("button", { name: "Link Omar Haddad (C-1002) to this contact" })
    .click();
  await expectCustomer(app, "Omar Haddad");
  await expect(page.locator("#contact-fields")).toHaveText('{"store_customer_id":"C-1002"}');
});
