/**
 * The one error type for unreadable, corrupted, foreign or mismatched model files: the message
 * always starts with the file's path and says what is wrong with it.
 */
export class ModelFileError extends Error {
  /** The file at fault, as the caller named it. */
  readonly file: string;

  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super(`${file}: ${problem}`, options);
    this.name = "ModelFileError";
    this.file = file;
  }
}

/** The message of anything thrown. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Loading weights into a model that has none yet: what is wrong, for ModelFileError's problem. */
export function notBuiltText(fileLayers: number): string {
  return `has weights for ${fileLayers} layer(s) but the model has no weights yet: it is not built ` +
    "(layers create their weights on their first call, and a subclassed model its layers too)";
}

/** The fix for notBuiltText when loading weights into a model built in code. */
export const BUILD_FIRST = "build the model first (give it an Input layer, call model.build(inputShape), or call it on data, e.g. model.predict(x)), then load the weights";
