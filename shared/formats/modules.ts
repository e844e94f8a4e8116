import { callAnalyticsModule } from "./call-analytics.js";
import { chatworkFormat } from "./chatwork.js";
import { intercomFormat } from "./intercom.js";
import { slackFormat } from "./slack.js";
import { zendeskFormat } from "./zendesk.js";
import { chatCsvModule, chatJsonlModule, chatJsonModule } from "./chat-modules.js";
import type { FormatModule } from "./format-module.js";
import { lineOaCsvModule } from "./line-oa-csv.js";
import { lineTalkModule } from "./line-talk.js";
import { plainTextModule } from "./plain-text.js";
import { transcribeModule } from "./transcribe.js";

/**
 * The registry of input formats: one import and one entry per format module.
 *
 * FORMAT_MODULES are recognised by their content (`sniff`), in this order, before the generic formats; a
 * module that sniffs for a specific export goes here (append new ones at the end). GENERIC_MODULES are the
 * fallback, chosen by `detectGenericFormat` (JSON, JSON Lines, CSV, plain text).
 */

export const FORMAT_MODULES: readonly FormatModule[] = [
  transcribeModule,
  callAnalyticsModule,
  lineTalkModule,
  lineOaCsvModule,
  slackFormat,
  chatworkFormat,
  zendeskFormat,
  intercomFormat,
];

export const GENERIC_MODULES: readonly FormatModule[] = [chatJsonModule, chatJsonlModule, chatCsvModule, plainTextModule];
