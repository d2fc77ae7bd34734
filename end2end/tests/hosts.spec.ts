import { expect, test, type FrameLocator, type Page } from "@playwright/test";
import { FOREIGN_SIMULATOR_URL, SIMULATOR_URL } from "../playwright.config";
import { expectCustomer, hostLog, openConversation } from "./simulator";

const lime = { host: "lime" };
const akece = { host: "akece" };

/** Opens an order's details in the panel. */
async function openOrder(app: FrameLocator, number: string) {
  await app.locator(`tr.order[data-order="${number}"] button`).click();
  await expect(app.locator(`[data-order-detail="${number}"]`)).toBeVisible();
}

/** Switches the simulator to another conversation (the host destroys the app's iframe). */
async function switchTo(page: Page, conversationId: number) {
  await page.locator(`nav button[data-id="${conversationId}"]`).click();
}

test.describe("Akece", () => {
  test("the context posted at load shows the customer", async ({ page }) => {
    const app = await openConversation(page, 101, akece);
    await expectCustomer(app, "Jane Doe");
    expect(await hostLog(page)).toContain("sent appContext for conversation 101");
  });

  test("the app asks with Akece's own fetch-info key, which Akece answers", async ({ page }) => {
    const app = await openConversation(page, 102, { ...akece, "silent-load": "1" });
    await expectCustomer(app, "Omar Haddad");
    const log = await hostLog(page);
    expect(log).toContain("app asked for the context (fetch-info)");
    expect(log).not.toContain("ignored another host's key");
  });
});

test.describe("Chatwoot", () => {
  test("Refresh asks the host for the context again", async ({ page }) => {
    const app = await openConversation(page, 101);
    await expectCustomer(app, "Jane Doe");
    // The app may already have asked once at start (if the load-time message came late).
    const asked = async () => (await hostLog(page)).split("app asked for the context (fetch-info)").length - 1;
    const before = await asked();
    await app.getByRole("button", { name: "Refresh" }).click();
    await expect.poll(asked).toBe(before + 1);
    await expectCustomer(app, "Jane Doe");
  });

  test("an order's details show items and tracking, and Copy summary gives the reply text", async ({ page }) => {
    const app = await openConversation(page, 101);
    await expectCustomer(app, "Jane Doe");
    await openOrder(app, "1004");
    const details = app.locator('[data-order-detail="1004"]');
    await expect(details.locator(".items li")).toHaveCount(2);
    await expect(details.locator(".shipments a")).toHaveAttribute("href", /^https:\/\/www\.dhl\.com\//);
    // No Lime actions in Chatwoot: copying instead of inserting, no discussed order.
    await expect(details.getByRole("button", { name: "Mark as discussed" })).toHaveCount(0);
    await details.getByRole("button", { name: "Copy summary" }).click();
    const summary = details.locator(".copied textarea");
    await expect(summary).toHaveValue(/^Order 1004 · shipped · placed 2026-11-05\n/);
    await expect(summary).toHaveValue(/Total: EUR 129\.50\nTracking: https:\/\/www\.dhl\.com\//);
    await expect(details.locator(".copied [role=status]")).toContainText(/Copied|Ctrl\+C/);
  });

  test("copying a summary breaks no rule of the page's Content-Security-Policy", async ({ page }) => {
    const violations: string[] = [];
    page.on("console", (message) => {
      if (message.text().includes("Content Security Policy")) violations.push(message.text());
    });
    const app = await openConversation(page, 101);
    await expectCustomer(app, "Jane Doe");
    await openOrder(app, "1004");
    const details = app.locator('[data-order-detail="1004"]');
    await details.getByRole("button", { name: "Copy summary" }).click();
    await expect(details.locator(".copied [role=status]")).toContainText(/Copied|Ctrl\+C/);
    // The copy buffer is placed by a stylesheet class, which the policy allows.
    expect(violations).toEqual([]);
  });

  test("the agent's choice among several customers is shown and comes back with the conversation", async ({ page }) => {
    const app = await openConversation(page, 103);
    await expect(app.locator("[data-state=several-matches]")).toBeVisible();
    await app.locator('.candidates li[data-customer="C-1004"]').getByRole("button").click();
    await expectCustomer(app, "Lena Fischer (old account)");
    await expect(app.locator(".customer")).toContainText("chosen by you");
    await expect(app.locator("[data-state=also-matches]")).toContainText("C-1003");
    await expect(app.locator(".notice")).toContainText("Showing customer C-1004");

    await switchTo(page, 101);
    await expectCustomer(app, "Jane Doe");
    await switchTo(page, 103);
    await expectCustomer(app, "Lena Fischer (old account)");
    // And the choice can be taken back.
    await app.getByRole("button", { name: "Choose again" }).click();
    await expect(app.locator("[data-state=several-matches]")).toBeVisible();
  });
});

test.describe("Lime Connect", () => {
  test("Insert into reply fills the operator's chat input, in the format the operator writes", async ({ page }) => {
    const app = await openConversation(page, 101, lime);
    await expectCustomer(app, "Jane Doe");
    await openOrder(app, "1004");
    const insert = app.getByRole("button", { name: "Insert into reply" });
    await insert.click();
    const input = page.locator("#chat-input");
    await expect(input).toHaveValue(/^Order 1004 · shipped/);
    await expect(input).toHaveAttribute("data-format", "plain_text");
    await expect(page.locator("#toasts")).toContainText("Order 1004 is in your reply.");
    expect(await hostLog(page)).toContain("add-on sent replace_chat_input");

    // The operator writes markdown: Lime sends the transcript again, and the summary follows.
    await page.evaluate(() => (window as any).simulator.sendOperatorMessage("**Let me check**", "markdown_v1"));
    await expect.poll(() => hostLog(page)).toMatch(/sent transcript[\s\S]*sent transcript/);
    await insert.click();
    await expect(input).toHaveValue(/^\*\*Order 1004\*\*/);
    await expect(input).toHaveAttribute("data-format", "markdown_v1");
    await expect(input).toHaveValue(/Tracking: \[https:\/\/www\.dhl\.com/);
  });

  test("Mark as discussed records the order in a conversation field, and the host's update shows it", async ({ page }) => {
    const app = await openConversation(page, 101, lime);
    await expectCustomer(app, "Jane Doe");
    await openOrder(app, "1003");
    await app.getByRole("button", { name: "Mark as discussed" }).click();
    await expect(page.locator("#conversation-fields")).toHaveText('{"discussed_order":"1003"}');
    await expect(page.locator("#toasts")).toContainText("Order 1003 is recorded");
    // The badge comes from the host's conversation_information (custom_field_data spelling).
    await expect(app.locator('tr.order[data-order="1003"] [data-state=discussed]')).toBeVisible();
    await expect(app.locator('tr.order[data-order="1004"] [data-state=discussed]')).toBeHidden();
  });

  test("confirming the customer writes it to the contact, and the host's update finds them by it", async ({ page }) => {
    const app = await openConversation(page, 103, lime);
    await expect(app.locator("[data-state=several-matches]")).toBeVisible();
    await app.locator('.candidates li[data-customer="C-1003"]').getByRole("button").click();
    await expect(page.locator("#contact-fields")).toHaveText('{"store_customer_id":"C-1003"}');
    await expect(page.locator("#toasts")).toContainText("linked to customer C-1003");
    await expectCustomer(app, "Lena Fischer");
    // Found by the custom field the host now sends, not by a choice kept in the page.
    await expect(app.locator(".customer")).toContainText("matched by customer id");
    expect(await hostLog(page)).toContain("add-on sent update_contact_information");
  });

  test("what the operator was looking at comes back when they return to the conversation", async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 420 });
    const app = await openConversation(page, 101, lime);
    await expectCustomer(app, "Jane Doe");
    await openOrder(app, "1002");
    const frame = page.frames().find((f) => f.url().includes("install=simulator-lime"))!;
    await frame.evaluate(() => window.scrollTo(0, 150));
    await expect.poll(() => frame.evaluate(() => window.scrollY)).toBe(150);

    await switchTo(page, 102);
    await expectCustomer(app, "Omar Haddad");
    await expect(app.locator(".order-detail")).toHaveCount(0);
    await switchTo(page, 101);
    await expect(app.locator('[data-order-detail="1002"]')).toBeVisible();
    const again = page.frames().find((f) => f.url().includes("install=simulator-lime"))!;
    await expect.poll(() => again.evaluate(() => window.scrollY)).toBe(150);
  });

  test("a refused host token is shown in the panel and as a toast", async ({ page }) => {
    const app = await openConversation(page, 101, { ...lime, jwt: "refuse" });
    await expect(app.locator("[data-state=error]")).toContainText("sign-in token");
    await expect(page.locator('#toasts [data-status="error"]')).toContainText("sign-in token");
  });
});

test("Chatwoot: messages from the host's origin but not its window, or from the app itself, are ignored", async ({ page }) => {
  const ignored: string[] = [];
  page.on("console", (message) => {
    if (message.text().includes("orderpane: ignored a message from")) ignored.push(message.text());
  });
  const lookups: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/api/panel")) lookups.push(request.url());
  });
  const app = await openConversation(page, 101);
  await expectCustomer(app, "Jane Doe");
  const before = lookups.length;
  const forged = JSON.stringify({ event: "appContext", data: { contact: { email: "lena@example.com" } } });
  // A sibling frame on the host's own origin: right origin, wrong window.
  await page.evaluate((message) => {
    const sibling = document.createElement("iframe");
    sibling.srcdoc = `<script>parent.document.getElementById("dashboard-app").contentWindow.postMessage(${JSON.stringify(message)}, "*")<\/script>`;
    document.body.appendChild(sibling);
  }, forged);
  // The app's own window: wrong origin and wrong window.
  const frame = page.frames().find((f) => f.url().includes("install=simulator&"))!;
  await frame.evaluate((message) => window.postMessage(message, "*"), forged);
  await expect.poll(() => ignored.length).toBeGreaterThanOrEqual(2);
  expect(ignored.some((line) => line.includes(`from ${new URL(SIMULATOR_URL).origin} (not the host's window)`))).toBe(true);
  expect(lookups.length).toBe(before);
  await expectCustomer(app, "Jane Doe");
});

test("Lime Connect: an origin that is not the install's host cannot frame the add-on", async ({ page }) => {
  const refusals: string[] = [];
  page.on("console", (message) => {
    if (message.text().includes("frame-ancestors")) refusals.push(message.text());
  });
  await openConversation(page, 101, lime, FOREIGN_SIMULATOR_URL);
  await expect.poll(() => refusals.length, { timeout: 10_000 }).toBeGreaterThan(0);
  // Nothing reached the host from the refused frame: no ready, no token request.
  expect(await hostLog(page)).not.toContain("add-on sent ready");
});

test("orders the conversation mentions are pinned at the top, flagged when another customer's", async ({ page }) => {
  const own = await openConversation(page, 104);
  await expectCustomer(own, "Kenji Sato");
  const pinned = own.locator("[data-state=mentioned] tr.order");
  await expect(pinned).toHaveCount(1);
  await expect(pinned).toHaveAttribute("data-order", "1013");
  await expect(pinned.locator("[data-state=other-customer]")).toHaveCount(0);

  const friends = await openConversation(page, 105);
  await expect(friends.locator("[data-state=no-orders]")).toBeVisible();
  const flagged = friends.locator('[data-state=mentioned] tr.order[data-order="1004"]');
  await expect(flagged.locator("[data-state=other-customer]")).toContainText("belongs to Jane Doe (C-1001)");
});

test("Lime Connect: an order named in a new message is pinned when the transcript comes", async ({ page }) => {
  const app = await openConversation(page, 102, lime);
  await expectCustomer(app, "Omar Haddad");
  await expect(app.locator("[data-state=mentioned]")).toHaveCount(0);
  await page.evaluate(() => (window as any).simulator.sendOperatorMessage("About order 1007: it is on its way", "plain_text"));
  await expect(app.locator('[data-state=mentioned] tr.order[data-order="1007"]')).toBeVisible();
});
