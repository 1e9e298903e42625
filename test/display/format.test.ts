import { describe, expect, it } from "vitest";
import { escapeHtml, formatCount, formatMeasure, formatNumber, formatScore } from "../../src/display/format.js";
import { escapeHtml as dataEscape } from "../../src/data/display.js";
import { escapeHtml as trainEscape, fmt as trainFmt } from "../../src/train/display.js";
import { escapeHtml as reportEscape, fmt as reportFmt } from "../../src/evaluate/report/format.js";

describe("escapeHtml: one escaping for every HTML output", () => {
  it("escapes & < > \" and ' (the kernel runner's copy left ' and %%capture's left quotes as they were)", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  });

  it("is the same function under the names the stages export", () => {
    expect(dataEscape).toBe(escapeHtml);
    expect(trainEscape).toBe(escapeHtml);
    expect(reportEscape).toBe(escapeHtml);
  });
});

describe("formatNumber and its two presets", () => {
  // The outputs of the two former copies (evaluate's `fmt`, train's `fmt`), recorded before they
  // were merged: notebooks and reports must print the same text.
  const xs = [0, 1 / 3, 12345, 12345.678, 999999, 1e6, 1234567, 1e7, 2.5e9, 0.0001234, -0.000999, NaN, Infinity, -Infinity, null, undefined, 3.14159];
  it("formatScore (the report) keeps 3 significant digits, exponent from 1e7", () => {
    expect(xs.map(formatScore)).toEqual(
      ["0", "0.333", "12300", "12300", "1000000", "1000000", "1230000", "1.00e+7", "2.50e+9", "1.23e-4", "-9.99e-4", "–", "∞", "−∞", "–", "–", "3.14"],
    );
    expect(reportFmt).toBe(formatScore);
  });

  it("formatMeasure (training) keeps 4 significant digits, integers whole below 1e6", () => {
    expect(xs.map(formatMeasure)).toEqual(
      ["0", "0.3333", "12345", "12350", "999999", "1.000e+6", "1.235e+6", "1.000e+7", "2.500e+9", "1.234e-4", "-9.990e-4", "–", "∞", "−∞", "–", "–", "3.142"],
    );
    expect(trainFmt).toBe(formatMeasure);
  });

  it("takes its digits and thresholds as options", () => {
    expect(formatNumber(1234.5, { digits: 2 })).toBe("1200");
    expect(formatNumber(5e4, { exponentFrom: 1e4 })).toBe("5.00e+4");
    expect(formatNumber(70, { wholeBelow: 100, digits: 1 })).toBe("70");
  });
});

describe("formatCount", () => {
  it("rounds and separates thousands, as %%generate's progress line shows rows", () => {
    expect(formatCount(1234567.6)).toBe("1,234,568");
    expect(formatCount(0)).toBe("0");
  });
});
