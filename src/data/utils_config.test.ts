import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

test("utils.Config as Keras 3.15's: attribute and item access, dict methods, sorted iteration, JSON", () => {
  const config = new tf.utils.Config({ learning_rate: 0.1, momentum: 0.9 });
  config.use_ema = true;
  config["seed"] = 123;
  assert.equal(config.learning_rate, 0.1);
  assert.equal(config["seed"], 123);
  assert.deepEqual(config.keys(), ["learning_rate", "momentum", "use_ema", "seed"]);
  assert.deepEqual(config.values(), [0.1, 0.9, true, 123]);
  assert.deepEqual(config.items()[0], ["learning_rate", 0.1]);
  assert.deepEqual([...config], ["learning_rate", "momentum", "seed", "use_ema"], "iteration is sorted, as Keras' __iter__");
  assert.equal(config.length, 4);
  assert.ok("seed" in config && config.has("seed") && !config.has("nope"));
  assert.equal(config.get("nope", 7), 7);
  assert.equal(config.get("momentum"), 0.9);
  assert.equal(config.toJson(), '{"learning_rate":0.1,"momentum":0.9,"use_ema":true,"seed":123}');
  assert.equal(JSON.stringify(config), config.toJson());
  assert.equal(String(config), '<Config {"learning_rate":0.1,"momentum":0.9,"use_ema":true,"seed":123}>');
  const d = config.asDict();
  d.extra = 1;
  assert.ok(!config.has("extra"), "asDict is a copy");
  assert.equal(config.pop("seed"), 123);
  assert.equal(config.pop("seed", null), null);
  assert.throws(() => config.pop("seed"), /Config.pop: no entry 'seed'/);
  delete config.use_ema;
  config.update({ a: 1, b: 2 });
  assert.deepEqual(config.keys(), ["learning_rate", "momentum", "a", "b"]);
  assert.throws(() => config.learning_rat, /Config: unknown attribute 'learning_rat'. Did you mean 'learning_rate'\?/);
  assert.throws(() => config.zzz, /Config: unknown attribute 'zzz'\.$/);
});

test("a frozen Config refuses every change until unfrozen", async () => {
  const config = new tf.utils.Config();
  config.optimizer = "adam";
  config.freeze();
  assert.ok(config.frozen);
  assert.throws(() => { config.foo = "bar"; }, /Config: cannot mutate attribute\(s\) because the config is frozen/);
  assert.throws(() => { config.optimizer = "sgd"; }, /frozen/);
  assert.throws(() => config.update({ a: 1 }), /frozen/);
  assert.throws(() => config.pop("optimizer"), /frozen/);
  assert.throws(() => { delete config.optimizer; }, /frozen/);
  assert.equal(config.optimizer, "adam");
  config.unfreeze();
  config.foo = "bar";
  assert.deepEqual(config.asDict(), { optimizer: "adam", foo: "bar" });
  // Not thenable: awaiting it gives the config back.
  assert.equal(await config, config);
  assert.throws(() => new tf.utils.Config([1] as never), /Config: expected an object of named values/);
});
