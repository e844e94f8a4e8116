#!/usr/bin/env node
// The published entry point: runs the compiled CLI (npm ci builds it through the `prepare` script).
import { main } from "../dist/cli/main.js";

// `tokumei query … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
