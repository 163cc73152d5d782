import type { Tensor } from "../tensor/tensor.js";
import { valueText } from "../tensor/value_text.js";
import { serializationHooks } from "../io/hooks.js";
import { type LayerArgs, type LayerShape, layerOptions, nestWeightScope } from "./layer.js";
import { type CellSequence, RNNCell } from "./rnn_cell.js";

export interface StackedRNNCellsArgs extends LayerArgs {
  /** The cells, bottom first: each one's output is the next one's input at the same timestep. */
  cells?: readonly RNNCell[];
}

type Stepper = (x: Tensor, states: Tensor[]) => [Tensor, Tensor[]];

/**
 * Keras' StackedRNNCells: several cells run as one, `layers.RNN(layers.StackedRNNCells([...]))`
 * (or `layers.RNN([...cells])`), the output of each cell at a timestep being the input of the next.
 * Weights are the cells' in order; the output is the last cell's. The states are every cell's,
 * in order, as one flat list (LSTMCell then GRUCell: [h1, c1, h2]) wherever states are given or
 * returned; Keras nests them per cell there ([[h1, c1], h2]).
 */
export class StackedRNNCells extends RNNCell {
  static readonly options = layerOptions<StackedRNNCellsArgs>({ cells: true });
  readonly cells: RNNCell[];

  constructor(args: StackedRNNCellsArgs) {
    super(args);
    const where = `${this.className} ${this.name}`;
    const cells: unknown = args.cells;
    if (!Array.isArray(cells) || cells.length === 0) {
      throw new TypeError(`${where}: cells must be a non-empty list of recurrent cells, e.g. [layers.LSTMCell(32), layers.LSTMCell(32)], got ${valueText(cells)}`);
    }
    cells.forEach((c: unknown, i) => {
      if (!(c instanceof RNNCell)) {
        throw new TypeError(`${where}: cells[${i}] must be a recurrent cell (layers.SimpleRNNCell, LSTMCell, GRUCell or a subclass of layers.RNNCell), got ${valueText(c)}`);
      }
    });
    (cells as RNNCell[]).forEach((c, i) => {
      // The stack carries vectors from cell to cell and one flat list of [batch, size] states.
      if (!c.structure().flat) {
        throw new TypeError(
          `${where}: cells[${i}] (${c.className} ${c.name}) has states or outputs that are not vectors (stateSize ${valueText(c.stateSize)}, outputSize ${valueText(c.outputSize)}); ` +
            "StackedRNNCells stacks cells with one output and states of shape [batch, size]; run such a cell in its own layers.RNN",
        );
      }
    });
    this.cells = [...(cells as RNNCell[])];
    for (const c of this.cells) nestWeightScope(c, this);
  }

  get stateSize(): readonly number[] {
    // Every cell's states are vectors (checked in the constructor).
    return this.cells.flatMap((c) => c.structure().states.map((s) => s[0]));
  }

  override get outputSize(): number {
    return this.cells[this.cells.length - 1].structure().outputs[0][0];
  }

  override get inputCount(): number {
    return 1;
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as LayerShape;
    // As Keras: the bottom cell is built for the whole step shape ([batch, ...features]), each above for [batch, output size of the one below].
    let stepShape: LayerShape = shape;
    for (const c of this.cells) {
      if (!c.built) c.maybeBuild(stepShape, false);
      stepShape = [shape[0], c.structure().outputs[0][0]];
    }
    this.built = true;
  }

  /** Each cell's slice of the flat state list. */
  private split(states: readonly Tensor[]): Tensor[][] {
    let at = 0;
    return this.cells.map((c) => states.slice(at, (at += c.stateSize.length)));
  }

  /** Runs `first` for the bottom cell and the others' steppers above it, one timestep. */
  private chain(first: Stepper, states: Tensor[], training: boolean): Stepper {
    const above = this.cells.slice(1).map((c, i) => c.stepper(this.split(states)[i + 1], training));
    return (x, s) => {
      const parts = this.split(s);
      let [out, next] = first(x, parts[0]);
      const all = [...next];
      above.forEach((f, i) => {
        [out, next] = f(out, parts[i + 1]);
        all.push(...next);
      });
      return [out, all];
    };
  }

  /** The bottom cell projects the whole sequence at once (its input matmul runs once); the cells above step by step. */
  override sequence(x: Tensor, states: Tensor[], training: boolean): CellSequence {
    const bottom = this.cells[0].sequence(x, this.split(states)[0], training);
    return { inputs: bottom.inputs, step: this.chain((xp, s) => bottom.step(xp, s), states, training) };
  }

  override stepper(states: Tensor[], training: boolean): Stepper {
    return this.chain(this.cells[0].stepper(this.split(states)[0], training), states, training);
  }

  step(x: Tensor, states: Tensor[], training: boolean): [Tensor, Tensor[]] {
    const want = this.stateSize.length;
    if (states.length !== want) {
      throw new TypeError(`${this.className} ${this.name}: expects ${want} state tensor(s), every cell's in order ([batch, ${this.stateSize.join("], [batch, ")}]), got ${states.length}`);
    }
    return this.stepper(states, training)(x, states);
  }

  override getConfig(): Record<string, unknown> {
    const hooks = serializationHooks(`${this.className}.getConfig`);
    return { ...super.getConfig(), cells: this.cells.map((c) => hooks.serializeLayer(c)) };
  }
}
