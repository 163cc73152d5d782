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
