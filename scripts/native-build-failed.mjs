#!/usr/bin/env node
// Runs when `node-gyp rebuild` fails during `npm install`: the install must still succeed, since
// lamina works without its addon (on the slower JS backend). One line says so and how to retry.
console.warn(
  "lamina: the native addon could not be built (a C++17 compiler, make and python3 are needed); " +
    "lamina will use its JS backend. Retry with `npm run build:native`.",
);
process.exit(0);
