// The keras.io example "Image similarity estimation using a Siamese Network with a contrastive
// loss", ported in siamese-contrastive.ts, run with QUICK=1 in a child process and checked on what
// it prints and the figures it writes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { numbersAfter as numbers, withQuickRun } from "./support/quick-run.js";

test("examples/keras-io/siamese-contrastive.ts (QUICK): pairs, the shared tower and Lambda distance, the contrastive loss trains", () => {
  withQuickRun("siamese-contrastive", ({ text, wrote }) => {
    // Two pairs per image, one of its class (label 1) and one of another class (label 0).
    assert.match(text, /train pairs: 1024 of 2 x \[28,28\], 512 labelled 1/);
    assert.match(text, /validation pairs: 512, test pairs: 512/);
    assert.match(text, /train-pairs.png: Label: 1\.0; Label: 0\.0; Label: 1\.0; Label: 0\.0/);
    // (1 - 0.3)^2 / 2 + 0.4^2 / 2
    assert.match(text, /contrastive loss of \[1, 0\] vs \[0\.3, 0\.4\]: 0\.3250/);
    // The embedding network is one layer used by both towers: its 5,318 weights are counted once.
    // By hand: BN(1) 4, conv 5*5*1*4+4 = 104, conv 5*5*4*16+16 = 1,616, BN(256) 1,024,
    // dense 256*10+10 = 2,570; then BN(1) 4 and dense 1*1+1 = 2. Non-trainable: the BNs' moving
    // statistics, 2 + 512 + 2 = 516.
    assert.match(text, /functional\s+│ \(None, 10\)\s+│\s+5,318 │ input_layer_1\[0\]…/);
    assert.match(text, /lambda \(Lambda\)\s+│ \(None, 1\)\s+│\s+0 │ functional\[0\]\[0\],/);
    assert.match(text, /Total params: 5,324 [\s\S]*Trainable params: 4,808 [\s\S]*Non-trainable params: 516 /);
    // 1,024 pairs in batches of 16: 64 steps an epoch.
    assert.match(text, /64\/64 - .* - accuracy: 0\.\d{4} - loss: 0\.\d{4} - val_accuracy: 0\.\d{4} - val_loss: 0\.\d{4}/);
    const loss = numbers(text, "loss per epoch");
    assert.equal(loss.length, 2);
    assert.ok(loss[1] < loss[0], `loss ${loss}`);
    for (const key of ["accuracy", "val_loss", "val_accuracy"]) assert.equal(numbers(text, `${key} per epoch`).length, 2, key);
    const m = /test loss, test acc: \[ (\d\.\d+), (\d\.\d+) \]/.exec(text);
    assert.ok(m, text);
    // The loss of a prediction in [0, 1] against a 0/1 label is at most 1.
    assert.ok(Number(m[1]) > 0 && Number(m[1]) < 1 && Number(m[2]) <= 1, m[0]);
    assert.match(text, /predictions shape: \[512,1\]/);
    assert.match(text, /test-predictions.png: True: 1\.0 \| Pred: 0\.\d{5}; True: 0\.0 \| Pred: 0\.\d{5}; True: 1\.0 \| Pred: 0\.\d{5}/);
    for (const f of ["train-pairs.png", "validation-pairs.png", "test-pairs.png", "accuracy.png", "loss.png", "test-predictions.png"]) assert.ok(wrote(f), f);
    assert.match(text, /\ndone\n/);
  });
});
