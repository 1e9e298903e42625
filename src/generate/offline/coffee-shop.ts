/**
 * The seed walkthrough's coffee-shop sales schema, shipped as an example: one row per sale in
 * 2022, opening hours 06:00–21:00, a fixed menu (each product keeps one id, name, price and
 * calorie value: a linked group), 1–3 items per sale and amount = price × quantity.
 */
import type { OfflineSchema } from "./schema.js";

/** The menu: product_id, product, calories, price (USD), type. Weights are relative popularity. */
export const COFFEE_MENU = [
  { product_id: 1, product: "Espresso", calories: 5, price: 2.5, type: "drink" },
  { product_id: 2, product: "Americano", calories: 15, price: 3.0, type: "drink" },
  { product_id: 3, product: "Cappuccino", calories: 120, price: 3.75, type: "drink" },
  { product_id: 4, product: "Latte", calories: 190, price: 4.25, type: "drink" },
  { product_id: 5, product: "Flat White", calories: 170, price: 4.0, type: "drink" },
  { product_id: 6, product: "Mocha", calories: 290, price: 4.75, type: "drink" },
  { product_id: 7, product: "Cold Brew", calories: 10, price: 4.0, type: "drink" },
  { product_id: 8, product: "Chai Latte", calories: 240, price: 4.25, type: "drink" },
  { product_id: 9, product: "Hot Chocolate", calories: 320, price: 3.5, type: "drink" },
  { product_id: 10, product: "Green Tea", calories: 0, price: 2.75, type: "drink" },
  { product_id: 11, product: "Croissant", calories: 270, price: 3.25, type: "food" },
  { product_id: 12, product: "Blueberry Muffin", calories: 420, price: 3.5, type: "food" },
  { product_id: 13, product: "Banana Bread", calories: 380, price: 3.75, type: "food" },
  { product_id: 14, product: "Bagel with Cream Cheese", calories: 360, price: 4.5, type: "food" },
  { product_id: 15, product: "Chocolate Chip Cookie", calories: 220, price: 2.25, type: "food" },
  { product_id: 16, product: "Ham and Cheese Sandwich", calories: 480, price: 6.95, type: "food" },
] as const;

const MENU_WEIGHTS = [8, 10, 12, 14, 6, 6, 7, 5, 4, 3, 7, 5, 3, 4, 4, 3];

export const COFFEE_SHOP_SCHEMA: OfflineSchema = {
  columns: [
    { name: "id", kind: "id", prefix: "S", padding: 7, unique: true, description: "sale id" },
    { name: "date", kind: "datetime", min: "2022-01-01", max: "2022-12-31", format: "date" },
    { name: "time", kind: "datetime", min: "06:00:00", max: "21:00:00", format: "time" },
    { name: "product_id", kind: "integer" },
    { name: "product", kind: "categorical" },
    { name: "calories", kind: "integer" },
    { name: "price", kind: "numeric" },
    { name: "type", kind: "categorical", values: ["drink", "food"] },
    { name: "quantity", kind: "integer", min: 1, max: 3, distribution: "uniform" },
    { name: "amount", kind: "numeric", expression: "round(price * quantity, 2)", description: "price × quantity" },
    {
      name: "payment_type",
      kind: "categorical",
      values: ["cash", "credit", "debit", "gift card"],
      weights: [0.2, 0.45, 0.27, 0.08],
    },
  ],
  linked: [
    {
      name: "menu",
      columns: ["product_id", "product", "calories", "price", "type"],
      records: COFFEE_MENU,
      weights: MENU_WEIGHTS,
    },
  ],
  checks: ["amount == round(price * quantity, 2)", "quantity >= 1 && quantity <= 3"],
};

/** Example schemas users can name (`--schema coffee-shop`). */
export const EXAMPLE_SCHEMAS: Readonly<Record<string, OfflineSchema>> = { "coffee-shop": COFFEE_SHOP_SCHEMA };
