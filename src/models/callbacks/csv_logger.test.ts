import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CallbackList, type CallbackModel, type Logs } from "./callback.js";
import { CSVLogger } from "./csv_logger.js";

const model: CallbackModel = { name: "m", stopTraining: false, optimizer: null, getWeights: () => [], setWeights: () => {} };

async function fit(logger: CSVLogger, epochs: Logs[]): Promise<void> {
  const list = new CallbackList([logger], { model, params: { epochs: epochs.length, steps: 1, verbose: 0 } });
  await list.onTrainBegin();
  for (let e = 0; e < epochs.length; e++) {
    await list.onEpochBegin(e);
    await list.onEpochEnd(e, epochs[e]);
  }
  await list.onTrainEnd();
}

function withDir(f: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), "lamina-csv-"));
    try {
      await f(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

// Expected bytes as Keras' CSVLogger writes them (Python csv, excel dialect: \r\n; floats as repr).
test(
  "CSVLogger writes epoch then sorted keys, Python float text, \\r\\n rows",
  withDir(async (dir) => {
    const file = join(dir, "log.csv");
    await fit(new CSVLogger(file), [
      { val_loss: 0.75, loss: 1, val_accuracy: 0.5, accuracy: 0.25 },
      { val_loss: 0.5, loss: 1e-5, val_accuracy: 0.625, accuracy: 0.30000000000000004 },
    ]);
    assert.equal(
      readFileSync(file, "utf8"),
      "epoch,accuracy,loss,val_accuracy,val_loss\r\n" +
        "0,0.25,1.0,0.5,0.75\r\n" +
        "1,0.30000000000000004,1e-05,0.625,0.5\r\n",
    );
    // A second fit without append starts the file over.
    await fit(new CSVLogger(file), [{ loss: 2 }]);
    assert.equal(readFileSync(file, "utf8"), "epoch,loss,val_loss\r\n0,2.0,NA\r\n");
  }),
);

test(
  "CSVLogger adds val_ columns as NA without validation; append keeps the file and skips the header",
  withDir(async (dir) => {
    const file = join(dir, "log.csv");
    const logger = new CSVLogger(file, { separator: ";", append: true });
    await fit(logger, [{ loss: 0.5, accuracy: 1 }]);
    await fit(logger, [{ loss: 0.25, accuracy: 0.75 }, { loss: 0.125, accuracy: 0.875 }]);
    assert.equal(
      readFileSync(file, "utf8"),
      "epoch;accuracy;loss;val_accuracy;val_loss\r\n0;1.0;0.5;NA;NA\r\n0;0.75;0.25;NA;NA\r\n1;0.875;0.125;NA;NA\r\n",
    );
  }),
);

test(
  "CSVLogger append to a file whose last line has no line break does not glue rows; quoting",
  withDir(async (dir) => {
    const file = join(dir, "log.csv");
    writeFileSync(file, "epoch,loss\r\n0,1.0");
    await fit(new CSVLogger(file, { append: true }), [{ loss: 0.5, val_loss: 0.25 }]);
    assert.equal(readFileSync(file, "utf8"), "epoch,loss\r\n0,1.0\r\n0,0.5,0.25\r\n");

    const q = join(dir, "q.csv");
    await fit(new CSVLogger(q), [{ 'a,b': 1, 'say "hi"': 2, val_x: NaN }]);
    assert.equal(readFileSync(q, "utf8"), 'epoch,"a,b","say ""hi""",val_x\r\n0,1.0,2.0,nan\r\n');
    assert.throws(() => new CSVLogger(q, { separator: "::" }), /single character/);
  }),
);

test(
  "CSVLogger creates the folders its file goes in, as ModelCheckpoint does",
  withDir(async (dir) => {
    const file = join(dir, "runs", "today", "log.csv");
    await fit(new CSVLogger(file), [{ loss: 0.5 }]);
    assert.equal(readFileSync(file, "utf8"), "epoch,loss,val_loss\r\n0,0.5,NA\r\n");
  }),
);
