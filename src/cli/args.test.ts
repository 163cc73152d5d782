import { test } from "node:test";
import assert from "node:assert/strict";
import { UsageError, choiceFlag, intFlag, listFlag, numberFlag, parseFlags } from "./args.js";

const SPECS = { epochs: { type: "string" }, verbose: { type: "boolean" }, lr: { type: "string" } } as const;

test("parseFlags: values, operands, and one-line errors naming the flag", () => {
  const parsed = parseFlags(["--epochs", "3", "--verbose", "a"], SPECS, 1);
  assert.deepEqual({ ...parsed.values }, { epochs: "3", verbose: true });
  assert.deepEqual(parsed.positionals, ["a"]);
  // A negative number after a string flag is its value, not a flag.
  assert.equal(parseFlags(["--lr", "-0.5"], SPECS, 0).values.lr, "-0.5");
  const message = (argv: string[], max = 0): string => {
    try {
      parseFlags(argv, SPECS, max);
    } catch (e) {
      assert.ok(e instanceof UsageError);
      return e.message;
    }
    return "no error";
  };
  assert.equal(message(["--epoch", "3"]), "unknown flag --epoch; did you mean --epochs?");
  assert.equal(message(["--zzzzzzzz"]), "unknown flag --zzzzzzzz");
  assert.equal(message(["--epochs"]), "--epochs needs a value");
  assert.equal(message(["--verbose=1"]), "--verbose takes no value");
  assert.equal(message(["x"]), 'unexpected argument "x"');
  assert.equal(message(["x", "y", "z"], 1), 'unexpected arguments "y" "z"');
});

test("intFlag, numberFlag, choiceFlag: fallbacks and clear refusals", () => {
  assert.equal(intFlag({}, "epochs", 3), 3);
  assert.equal(intFlag({ epochs: "12" }, "epochs", 3), 12);
  assert.equal(intFlag({ port: "0" }, "port", 5, 0), 0);
  for (const bad of ["0", "-2", "1.5", "", "ten", "1e999"]) assert.throws(() => intFlag({ epochs: bad }, "epochs", 3), /--epochs must be a positive integer/);
  assert.equal(numberFlag({ lr: "1e-3" }, "lr", null, { min: 0, what: "positive" }), 0.001);
  assert.throws(() => numberFlag({ lr: "0" }, "lr", null, { min: 0, what: "a positive number" }), /--lr must be a positive number, got "0"/);
  assert.equal(numberFlag({ f: "0" }, "f", 0.2, { min: 0, minInclusive: true, max: 1, what: "f" }), 0);
  assert.equal(choiceFlag({ o: "adam" }, "o", ["sgd", "adam"] as const, "sgd"), "adam");
  assert.throws(() => choiceFlag({ o: "Adam" }, "o", ["sgd", "adam"] as const, "sgd"), /--o must be one of sgd, adam; got "Adam"/);
});

test("listFlag: trimmed comma-separated entries; an empty entry is refused in one line naming the flag and the entry", () => {
  assert.equal(listFlag({}, "classes", "class name", "cat,dog"), undefined);
  assert.deepEqual(listFlag({ classes: "a, b ,c" }, "classes", "class name", "cat,dog"), ["a", "b", "c"]);
  assert.deepEqual(listFlag({ classes: "only" }, "classes", "class name", "cat,dog"), ["only"]);
  const cases: [string, number, number][] = [["a,,b", 2, 3], ["a,b,", 3, 3], [",a", 1, 2], ["a, ,b", 2, 3], ["", 1, 1], [" ", 1, 1]];
  for (const [text, entry, count] of cases) {
    assert.throws(() => listFlag({ classes: text }, "classes", "class name", "cat,dog"), (e: unknown) => {
      assert.ok(e instanceof UsageError, text);
      assert.equal(e.message, `--classes "${text}" has an empty class name (entry ${entry} of ${count}); give comma-separated class names, none empty, e.g. --classes cat,dog`);
      assert.ok(!e.message.includes("\n"));
      return true;
    });
  }
});
