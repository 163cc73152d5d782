import type { Backend } from "./backend.js";

const registered = new Map<string, () => Backend>();
const instances = new Map<string, Backend>();
let active: Backend | null = null;
let defaultName: string | null = null;

/** Backends register a factory; the first one asked for is created lazily. */
export function registerBackend(name: string, factory: () => Backend, opts: { preferred?: boolean } = {}): void {
  registered.set(name, factory);
  if (opts.preferred || defaultName === null) defaultName = name;
}

function instance(name: string): Backend {
  let b = instances.get(name);
  if (!b) {
    const f = registered.get(name);
    if (!f) {
      throw new Error(`setBackend: no backend named "${name}"; available: ${[...registered.keys()].join(", ")}`);
    }
    b = f();
    instances.set(name, b);
  }
  return b;
}

/** The backend every op dispatches to. */
export function backend(): Backend {
  if (active === null) {
    if (defaultName === null) throw new Error("lamina: no backend is registered");
    active = instance(defaultName);
  }
  return active;
}

export function setBackend(name: string): void {
  active = instance(name);
}

export function getBackend(): string {
  return backend().name;
}

export function listBackends(): string[] {
  return [...registered.keys()];
}
