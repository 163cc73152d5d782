#!/usr/bin/env node
// The main job (issue "The main job and what people look at") is not built yet. Until then this
// says what it will do instead of pretending to do it.
console.error(`lamina: the main job is not available yet.

When it lands, \`npm start\` will train notebook 000's CNN on the built-in Fashion-MNIST with a
validation split, print the model summary and the Keras progress bar, evaluate on the test set,
and write the saved model, history.csv/png, a sample grid, a confusion matrix and report.html
into runs/<date-time>/.

Today lamina has tensors, ops with gradients and the JS backend: see README.md and run
\`npm run example -- 002-tensors\`.`);
process.exit(1);
