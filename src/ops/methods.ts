import { Tensor } from "../tensor/tensor.js";

/**
 * Installs chainable methods on Tensor: `x.add(y)` calls `add(x, y)`. Each op file installs
 * its own and declares them on the Tensor interface next to the op, so an op lives in one place.
 */
export function installMethods(fns: Record<string, (self: Tensor, ...args: never[]) => unknown>): void {
  for (const [name, f] of Object.entries(fns)) {
    Object.defineProperty(Tensor.prototype, name, {
      value: function (this: Tensor, ...args: never[]) {
        return f(this, ...args);
      },
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
}
