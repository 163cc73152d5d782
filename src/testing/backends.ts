import { test } from "node:test";
import { getBackend, setBackend } from "../backend/registry.js";

/**
 * A test that runs `body` with backend `name` ("js", "native") active and then restores the one
 * before; it is skipped where that backend is not available (the addon not built).
 */
export function testOnBackend(name: string, title: string, body: () => void | Promise<void>): void {
  test(title, async (t) => {
    const before = getBackend();
    try {
      setBackend(name);
    } catch {
      t.skip(`the ${name} backend is not available`);
      return;
    }
    try {
      await body();
    } finally {
      setBackend(before);
    }
  });
}
