import type { EntityType } from "../detect/entity-types.js";

/** A highlight colour pair: a light background readable under dark text, and a stronger edge and bar colour. */
export interface EntityColour {
  readonly background: string;
  readonly edge: string;
}

/**
 * One colour per entity type for the review report's highlights, legend and chart. Neighbouring types in
 * the policy's order get distant hues so a reviewer tells PHONE from EMAIL at a glance; the placeholder's
 * text (and the mark's title) still names the type, so nothing depends on colour alone.
 *
 * @example
 * ENTITY_COLOURS.PHONE.background; // "#c6f0d2"
 */
export const ENTITY_COLOURS: Readonly<Record<EntityType, EntityColour>> = {
  PERSON: { background: "#ffd3d3", edge: "#c0392b" },
  ORGANIZATION: { background: "#ffe2c2", edge: "#c56a00" },
  ADDRESS: { background: "#fff1a8", edge: "#9a7d00" },
  LOCATION: { background: "#e4f4c2", edge: "#5b8a00" },
  PHONE: { background: "#c6f0d2", edge: "#1e8449" },
  EMAIL: { background: "#c2eef0", edge: "#117a80" },
  CREDIT_CARD: { background: "#cddfff", edge: "#1f5fbf" },
  MY_NUMBER: { background: "#dcd3ff", edge: "#5b3cc4" },
  POSTAL_CODE: { background: "#f6d2f7", edge: "#9b2fa0" },
  BANK_ACCOUNT: { background: "#ffd0e6", edge: "#b8336a" },
  DRIVERS_LICENSE: { background: "#e3d9c9", edge: "#7a5c2e" },
  PASSPORT: { background: "#d5e8d4", edge: "#3d7a3a" },
  DATE_OF_BIRTH: { background: "#ffe0b3", edge: "#b35900" },
  AGE: { background: "#f0e6b3", edge: "#8a7400" },
  IP_ADDRESS: { background: "#d3e4ee", edge: "#2e6a8e" },
  URL: { background: "#d6f5ea", edge: "#16806a" },
  ACCOUNT_ID: { background: "#e6dcf5", edge: "#6c3fa8" },
  PASSWORD: { background: "#f5c8c8", edge: "#8e1b1b" },
};
