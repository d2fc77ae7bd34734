import { expect, test } from "@playwright/test";
import { expectCustomer, openConversation } from "./simulator";

// What must hold when things happen in an awkward order: a new contact while a panel is
// shown, an answer that arrives after the part of the page that asked is gone.

test("while another contact's panel loads, the previous customer is not shown under it", async ({ page }) => {
  const app = await openConversation(page, 101);
  await expectCustomer(app, "Jane Doe");
  // Hold the next lookup's answer until the test has looked at the page.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/api/panel", async (route) => {
    await held;
    await route.continue();
  });
  // The host says the conversation now has another contact (as Chatwoot does when a
  // conversation's contact changes), from its own window and origin.
  await page.evaluate(() => {
    const frame = document.getElementById("dashboard-app") as HTMLIFrameElement;
    const context = {
      event: "appContext",
      data: {
        contact: { id: 9002, identifier: "C-1002", name: "Omar Haddad" },
        conversation: { id: 101, messages: [] },
        currentAgent: { id: 1, name: "Sam Agent" },
      },
    };
    frame.contentWindow!.postMessage(JSON.stringify(context), "*");
  });
  await expect(app.locator("[data-state=loading]")).toBeVisible();
  await expect(app.getByText("Jane Doe")).toHaveCount(0);
  release();
  await expectCustomer(app, "Omar Haddad");
});

test("a lookup that never answers does not hold up the next contact's, and its late answer is not shown", async ({ page }) => {
  const app = await openConversation(page, 101);
  await expectCustomer(app, "Jane Doe");
  // The next lookup hangs (as over a connection that stopped answering) until the end.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let lookups = 0;
  await page.route("**/api/panel", async (route) => {
    lookups += 1;
    if (lookups === 1) await held;
    // The page may have dropped that request meanwhile.
    await route.continue().catch(() => undefined);
  });
  const contactIs = (contact: object) =>
    page.evaluate((contact) => {
      const frame = document.getElementById("dashboard-app") as HTMLIFrameElement;
      const context = {
        event: "appContext",
        data: { contact, conversation: { id: 101, messages: [] }, currentAgent: { id: 1, name: "Sam Agent" } },
      };
      frame.contentWindow!.postMessage(JSON.stringify(context), "*");
    }, contact);
  await contactIs({ id: 9002, identifier: "C-1002", name: "Omar Haddad" });
  await expect(app.locator("[data-state=loading]")).toBeVisible();
  await expect.poll(() => lookups).toBe(1);
  await contactIs({ id: 9005, identifier: "C-1005", name: "Kenji Sato" });
  await expectCustomer(app, "Kenji Sato");
  // The first contact's answer, arriving now, is not the latest question's.
  release();
  await page.waitForTimeout(500);
  await expectCustomer(app, "Kenji Sato");
});

test("a search answered after the search box was closed does not break the panel", async ({ page }) => {
  const crashes: string[] = [];
  page.on("console", (message) => {
    if (/panicked|unreachable|RuntimeError/.test(message.text())) crashes.push(message.text());
  });
  page.on("pageerror", (error) => crashes.push(String(error)));
  const app = await openConversation(page, 101);
  await expectCustomer(app, "Jane Doe");
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let answered!: () => void;
  const delivered = new Promise<void>((resolve) => (answered = resolve));
  await page.route("**/api/customers/search", async (route) => {
    await held;
    await route.continue();
    answered();
  });
  const offer = app.getByRole("button", { name: "Not this customer? Search" });
  await offer.click();
  const box = app.getByLabel("Find the customer in the store");
  await box.fill("haddad");
  await box.press("Enter");
  await expect(app.locator("[data-state=searching]")).toBeVisible();
  // The agent closes the search before the store answers.
  await offer.click();
  await expect(box).toHaveCount(0);
  release();
  await delivered;
  // The panel still works: the search opens again and answers.
  await page.unroute("**/api/customers/search");
  await offer.click();
  await app.getByLabel("Find the customer in the store").fill("haddad");
  await app.getByLabel("Find the customer in the store").press("Enter");
  await expect(app.locator("[data-state=search-results]")).toHaveText("1 customer found.");
  expect(crashes).toEqual([]);
});
