import type { EntityType } from "../detect/entity-types.js";
import type { Source } from "../schema/conversation.js";
import { ENTITY_COLOURS } from "./entity-colours.js";

/** Entities of one type, per source. */
export interface TypeSourceCount {
  readonly type: EntityType;
  readonly call: number;
  readonly chat: number;
}

/** Bar colours of the sources (the type's own colour is the swatch beside its name). */
export const SOURCE_COLOURS: Readonly<Record<Source, string>> = { call: "#3b6ea8", chat: "#d9822b" };

const LABEL_WIDTH = 170;
const BAR_AREA = 420;
const VALUE_WIDTH = 50;
const BAR_HEIGHT = 12;
const ROW_GAP = 10;
const TOP = 34;

/**
 * A horizontal grouped bar chart as inline SVG (no script, no external font or image): one row per type,
 * a bar for calls and one for chats, each with its count written beside it. Bars scale to the largest count.
 *
 * @example
 * renderEntityChart([{ type: "PHONE", call: 2, chat: 1 }]);
 * // '<svg class="chart" … role="img" aria-labelledby="chart-title chart-desc">…'
 */
export function renderEntityChart(rows: readonly TypeSourceCount[]): string {
  const max = Math.max(1, ...rows.flatMap((r) => [r.call, r.chat]));
  const rowHeight = BAR_HEIGHT * 2 + ROW_GAP;
  const width = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH;
  const height = TOP + rows.length * rowHeight + 4;
  const bar = (source: Source, value: number, y: number): string => {
    const w = value === 0 ? 0 : Math.max(2, Math.round((value / max) * BAR_AREA));
    return (
      `<rect class="bar bar-${source}" x="${LABEL_WIDTH}" y="${y}" width="${w}" height="${BAR_HEIGHT}" fill="${SOURCE_COLOURS[source]}"><title>${source}: ${value}</title></rect>` +
      `<text class="value" x="${LABEL_WIDTH + w + 4}" y="${y + BAR_HEIGHT - 2}">${value}</text>`
    );
  };
  const body = rows
    .map((row, i) => {
      const y = TOP + i * rowHeight;
      return (
        `<g class="row" data-type="${row.type}">` +
        `<rect x="0" y="${y + BAR_HEIGHT - 6}" width="12" height="12" fill="${ENTITY_COLOURS[row.type].background}" stroke="${ENTITY_COLOURS[row.type].edge}"/>` +
        `<text class="label" x="18" y="${y + BAR_HEIGHT + 4}">${row.type}</text>` +
        bar("call", row.call, y) +
        bar("chat", row.chat, y + BAR_HEIGHT) +
        `</g>`
      );
    })
    .join("");
  const legend =
    `<rect x="${LABEL_WIDTH}" y="6" width="12" height="12" fill="${SOURCE_COLOURS.call}"/><text x="${LABEL_WIDTH + 18}" y="16">call</text>` +
    `<rect x="${LABEL_WIDTH + 70}" y="6" width="12" height="12" fill="${SOURCE_COLOURS.chat}"/><text x="${LABEL_WIDTH + 88}" y="16">chat</text>`;
  const summary = rows.map((r) => `${r.type} ${r.call} call, ${r.chat} chat`).join("; ");
  return (
    `<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="chart-title chart-desc">` +
    `<title id="chart-title">Entities per type and source</title><desc id="chart-desc">${summary}</desc>` +
    legend +
    body +
    `</svg>`
  );
}
