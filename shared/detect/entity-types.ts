import { z } from "zod";

/**
 * The canonical PII type names of pii-policy.md; output uses exactly these.
 */
export const EntityTypeSchema = z.enum([
  "PERSON",
  "ORGANIZATION",
  "ADDRESS",
  "LOCATION",
  "PHONE",
  "EMAIL",
  "CREDIT_CARD",
  "MY_NUMBER",
  "POSTAL_CODE",
  "BANK_ACCOUNT",
  "DRIVERS_LICENSE",
  "PASSPORT",
  "DATE_OF_BIRTH",
  "AGE",
  "IP_ADDRESS",
  "URL",
  "ACCOUNT_ID",
  "PASSWORD",
]);
export type EntityType = z.infer<typeof EntityTypeSchema>;
export const ENTITY_TYPES: readonly EntityType[] = EntityTypeSchema.options;
