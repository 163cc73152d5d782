/**
 * The box table Keras 3's summary() prints. Keras hands its rows to the `rich` library with fixed
 * column widths and a fixed table width; this reproduces rich's layout (width reduction, word
 * wrapping, ellipsis for a word longer than its cell, justification) so the text matches Keras'
 * byte for byte.
 */
import { valueText } from "../tensor/value_text.js";

export type Justify = "left" | "right" | "center";

/** Python's round(): halves go to the even neighbour (rich's width arithmetic relies on it). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Cell widths (padding included) for a table `lineLength` characters wide whose columns end at the
 * given fractions of the line, as keras.utils.summary_utils computes them and rich then fits them
 * between the borders.
 */
export function summaryColumnWidths(lineLength: number, positions: readonly number[]): number[] {
  if (!Number.isInteger(lineLength) || lineLength < 1) {
    throw new Error(`summary: lineLength must be a positive integer, got ${valueText(lineLength)}`);
  }
  let current = 0;
  const content = positions.map((p, i) => {
    if (!(p > 0 && p <= 1) || (i > 0 && p <= positions[i - 1])) {
      throw new Error(`summary: positions must rise from above 0 up to at most 1 (fractions of the line), got [${positions.join(", ")}]`);
    }
    const width = Math.trunc(p * lineLength) - current;
    if (width < 4) {
      throw new Error(`summary: a line of ${lineLength} characters leaves a column ${width} wide (at least 4 needed); give a larger lineLength or widen the terminal`);
    }
    current += width;
    return width;
  });
  const padded = content.map((w) => w + 2);
  const available = lineLength - (positions.length + 1);
  const total = padded.reduce((s, w) => s + w, 0);
  if (total > available) {
    // rich's last resort for fixed-width columns: take the excess from every column in turn.
    let remaining = total - available;
    let ratioLeft = padded.length;
    return padded.map((w) => {
      const cut = Math.min(w, roundHalfEven(remaining / ratioLeft));
      remaining -= cut;
      ratioLeft -= 1;
      return w - cut;
    });
  }
  if (total < available) {
    // A table given a width expands to it: rich spreads the room in proportion to the widths.
    let remaining = available - total;
    let ratioLeft = total;
    return padded.map((w) => {
      const add = ratioLeft > 0 ? Math.ceil((w * remaining) / ratioLeft) : remaining;
      ratioLeft -= w;
      remaining -= add;
      return w + add;
    });
  }
  return padded;
}

/** rich's Text.truncate with the "ellipsis" overflow. */
function truncate(line: string, width: number): string {
  return line.length > width ? line.slice(0, Math.max(0, width - 1)) + "…" : line;
}

/**
 * One cell's text as rich lays it out in `width` characters: wrapped between words, a word too
 * long for the cell cut with "…", each line justified and padded to exactly `width`.
 */
export function wrapCell(text: string, width: number, justify: Justify): string[] {
  const out: string[] = [];
  for (const paragraph of text.split("\n")) {
    const breaks: number[] = [];
    let position = 0;
    for (const match of paragraph.matchAll(/\s*\S+\s*/g)) {
      const start = match.index ?? 0;
      const word = match[0];
      const wordLength = word.trimEnd().length;
      if (position + wordLength > width) {
        if (wordLength > width) {
          if (start) breaks.push(start);
          position = word.length;
        } else if (position && start) {
          breaks.push(start);
          position = word.length;
        }
      } else {
        position += word.length;
      }
    }
    const cuts = [0, ...breaks, paragraph.length];
    for (let i = 0; i + 1 < cuts.length; i++) {
      let line = paragraph.slice(cuts[i], cuts[i + 1]);
      if (line.length > width) {
        // rich drops trailing spaces that overflow the cell before justifying.
        const trailing = line.length - line.trimEnd().length;
        line = line.slice(0, line.length - Math.min(trailing, line.length - width));
      }
      if (justify === "left") {
        line = truncate(line, width).padEnd(width);
      } else {
        line = truncate(line.trimEnd(), width);
        const room = width - line.length;
        line = justify === "right" ? " ".repeat(room) + line : " ".repeat(room >> 1) + line + " ".repeat(room - (room >> 1));
      }
      out.push(line);
    }
  }
  return out;
}

/** The whole table: heavy header box, a rule between rows, cells padded by one space. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], widths: readonly number[], justify: readonly Justify[]): string[] {
  const rule = (l: string, m: string, r: string, h: string): string => l + widths.map((w) => h.repeat(w)).join(m) + r;
  const rowLines = (cells: readonly string[], edge: string): string[] => {
    const wrapped = cells.map((c, i) => wrapCell(c, widths[i] - 2, justify[i]));
    const height = Math.max(...wrapped.map((w) => w.length));
    const lines: string[] = [];
    for (let k = 0; k < height; k++) {
      lines.push(edge + wrapped.map((w, i) => ` ${w[k] ?? " ".repeat(widths[i] - 2)} `).join(edge) + edge);
    }
    return lines;
  };
  const lines = [rule("┏", "┳", "┓", "━"), ...rowLines(header, "┃"), rule("┡", "╇", "┩", "━")];
  rows.forEach((r, i) => {
    lines.push(...rowLines(r, "│"));
    if (i < rows.length - 1) lines.push(rule("├", "┼", "┤", "─"));
  });
  lines.push(rule("└", "┴", "┘", "─"));
  return lines;
}
