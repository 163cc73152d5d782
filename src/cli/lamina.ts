#!/usr/bin/env node
// The `lamina` command (package.json "bin"); see cli.ts, or run `lamina --help`.
import { main } from "./cli.js";

process.exitCode = await main(process.argv.slice(2));
