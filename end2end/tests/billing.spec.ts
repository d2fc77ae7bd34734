import { expect, test } from "@playwright/test";
import { HISTORY_ROWS, expectCustomer, openConversation } from "./simulator";

test("the summary, chart and billing sections show what the customer paid and owes", async ({ page }) => {
  // Omar: an unpaid order, its card declined, its invoice overdue.
  const omar = await openConversation(page, 102);
  await expectCustomer(omar, "Omar Haddad");
  await expect(omar.locator("[data-state=open-balance]")).toHaveText("£15.00");
  await expect(omar.locator(".summary .attention")).toBeVisible();
  await expect(omar.locator(HISTORY_ROWS).first()).toContainText("payment failed");
  const invoices = omar.locator("[data-section=invoices]");
  await expect(invoices.locator("summary")).toContainText("1 overdue");
  await invoices.locator("summary").click();
  await expect(invoices.locator("[data-id=INV-1007]")).toContainText("overdue");
  const payments = omar.locator("[data-section=payments]");
  await expect(payments.locator("summary")).toContainText("1 failed");
  // Keyboard: a section opens with Enter on its heading.
  await payments.locator("summary").focus();
  await page.keyboard.press("Enter");
  await expect(payments.locator("[data-status=failed]")).toContainText(
    "Card declined: insufficient funds",
  );

  // Jane: a partial refund, a subscription, a chart of twelve months.
  const jane = await openConversation(page, 101);
  await expectCustomer(jane, "Jane Doe");
  await expect(jane.locator("[data-state=refunded]")).toHaveText("€85.00");
  await expect(jane.locator("[data-state=active-subscriptions]")).toHaveText("1 active");
  await expect(jane.locator("[data-state=chart] rect")).toHaveCount(12);
  await jane.locator(`${HISTORY_ROWS}[data-order="1003"] button`).click();
  const details = jane.locator('[data-order-detail="1003"]');
  await expect(details.locator(".refunds")).toContainText("One mug arrived chipped");
  await expect(details.locator("address")).toContainText("50672 Köln");
});

test("a customer with many orders in two currencies pages through them", async ({ page }) => {
  const marco = await openConversation(page, 109);
  await expectCustomer(marco, "Marco Rossi");
  await expect(marco.locator("[data-state=spent]")).toContainText("CHF");
  await expect(marco.locator("[data-state=spent]")).toContainText("€");
  await expect(marco.locator("[data-state=order-count]")).toHaveText("45");
  const rows = marco.locator(HISTORY_ROWS);
  await expect(rows).toHaveCount(20);
  const more = marco.locator("button.more");
  await more.click();
  await expect(rows).toHaveCount(40);
  await more.click();
  await expect(rows).toHaveCount(45);
  await expect(more).toHaveCount(0);
  // Newest first across pages: the last row is the oldest order.
  await expect(rows.last()).toHaveAttribute("data-order", "1014");
  // Billing lists hold the newest twenty and say how many there are in all.
  await expect(marco.locator("[data-section=invoices] summary")).toContainText("(45, newest 20 shown)");
  const subscriptions = marco.locator("[data-section=subscriptions]");
  await subscriptions.locator("summary").click();
  await expect(subscriptions.locator("[data-status=past_due]")).toContainText("Tea club");
});

test.describe("in a German browser", () => {
  test.use({ locale: "de-DE" });

  test("money and dates follow the agent's locale", async ({ page }) => {
    const jane = await openConversation(page, 101);
    await expectCustomer(jane, "Jane Doe");
    const newest = jane.locator(HISTORY_ROWS).first();
    await expect(newest).toContainText("49,90\u00a0€");
    await expect(newest).toContainText("18.11.2026");
    await expect(jane.locator("[data-state=refunded]")).toHaveText("85,00\u00a0€");
  });
});

test("an invoice number in the conversation pins the order it bills", async ({ page }) => {
  const marco = await openConversation(page, 109);
  await expectCustomer(marco, "Marco Rossi");
  await expect(marco.locator("table.mentioned tr.order")).toHaveAttribute("data-order", "1020");
});
