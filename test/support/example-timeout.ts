/**
 * How long the example tests let an example run. `ms` is sized for the native backend; on the
 * plain-TypeScript backend (`npm run test:js`) the same QUICK trainings take several times longer
 * (notebook 001's took over 300 s on a loaded 2-core machine).
 */
export function exampleTimeout(ms: number): number {
  return process.env.LAMINA_BACKEND === "js" ? ms * 4 : ms;
}
