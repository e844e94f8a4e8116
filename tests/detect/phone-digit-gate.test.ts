import { createRequire } from "node:module";
import { findPhoneNumbersInText } from "libphonenumber-js/max";
import { describe, expect, it } from "vitest";
import { MIN_PHONE_DIGITS } from "../../shared/detect/recognizers/phone.js";

// The phone recognizer skips libphonenumber for texts with fewer digits than any number can have. These tests
// keep that premise true when libphonenumber's metadata changes.
const metadata = createRequire(import.meta.url)("libphonenumber-js/metadata.max.json") as {
  country_calling_codes: Record<string, string[]>;
  countries: Record<string, unknown[]>;
};

describe("the phone recognizer's digit gate", () => {
  it("asks for no more digits than the shortest possible number in libphonenumber's metadata", () => {
    let shortest = Number.POSITIVE_INFINITY;
    for (const [code, regions] of Object.entries(metadata.country_calling_codes)) {
      for (const region of regions) {
        // Index 3 of a region's compressed metadata is its possible national lengths (libphonenumber's Metadata.possibleLengths).
        const lengths = (metadata.countries[region]?.[3] ?? []) as number[];
        if (lengths.length > 0) shortest = Math.min(shortest, code.length + Math.min(...lengths));
      }
    }
    expect(shortest).toBe(MIN_PHONE_DIGITS);
  });

  it("finds the shortest numbers libphonenumber accepts, and nothing in fewer digits", () => {
    // A 4-digit Austrian service number with its country code: 6 digits.
    expect(findPhoneNumbersInText("連絡先は+43 1112です", { defaultCountry: "JP" }).map((n) => n.number.number)).toEqual(["+431112"]);
    for (const text of ["+43 123", "+4 3123", "+431 23", "+1 2345", "01234", "０１２３４"]) {
      expect(findPhoneNumbersInText(text, { defaultCountry: "JP" })).toEqual([]);
    }
  });
});
