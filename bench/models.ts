// The six reference models live in src/cli/reference-models.ts so that the built package
// (`lamina train --model cnn`, `lamina bench`) has them; bench keeps importing them from here.
export * from "../src/cli/reference-models.js";
