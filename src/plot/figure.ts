/**
 * A rendered figure: its SVG text, rasterized to PNG by resvg (a Rust SVG renderer shipped as
 * prebuilt binaries in npm packages: no browser, no system libraries), saved atomically.
 */
import { existsSync } from "node:fs";
import { delimiter, extname, join } from "node:path";
import type { RenderedImage, ResvgRenderOptions } from "@resvg/resvg-js";
import { valueText } from "../tensor/value_text.js";
import { writeBytesAtomically } from "../io/atomic_write.js";

export interface PngOptions {
  /** Pixels per SVG unit (default 1, or the figure's own, e.g. dpi / 72 for a model plot; 2 for a high-DPI copy). */
  scale?: number;
}

export interface SaveOptions extends PngOptions {
  /** The format to write whatever the extension (as Keras' plot_model writes a PNG to a path without one). */
  format?: "png" | "svg";
}

/** A MIME bundle as Jupyter kernels display it. */
export type MimeBundle = Record<string, string>;

/**
 * Font files tried for the PNG text, in order: `LAMINA_FONT` (paths separated by the platform's
 * path delimiter), then DejaVu Sans (matplotlib's font) where Linux distributions install it, then
 * the usual sans-serif fonts of macOS and Windows. When none exists, resvg loads the system's fonts.
 */
const FONT_CANDIDATES = [
  "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
  "/usr/share/fonts/TTF/DejaVuSans.ttf",
  "/usr/share/fonts/dejavu/DejaVuSans.ttf",
  "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
  "/usr/share/fonts/truetype/dejavu-sans/DejaVuSans.ttf",
  "/usr/local/share/fonts/dejavu/DejaVuSans.ttf",
  "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
  "/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf",
  "/System/Library/Fonts/Supplemental/Verdana.ttf",
  "/System/Library/Fonts/Supplemental/Arial.ttf",
  "/Library/Fonts/Arial.ttf",
  "C:\\Windows\\Fonts\\verdana.ttf",
  "C:\\Windows\\Fonts\\arial.ttf",
];

interface FontSetup {
  loadSystemFonts: boolean;
  fontFiles: string[];
  defaultFontFamily?: string;
  sansSerifFamily?: string;
}

let fontSetup: FontSetup | undefined;

/** Which fonts the rasterizer uses (resolved once per process). */
export function resolveFonts(): FontSetup {
  if (fontSetup) return fontSetup;
  const fromEnv = (process.env.LAMINA_FONT ?? "").split(delimiter).filter((p) => p !== "");
  for (const p of fromEnv) {
    if (!existsSync(p)) throw new Error(`plot: LAMINA_FONT names ${p}, which does not exist; point it at a .ttf or .otf file (or unset it)`);
  }
  const found = FONT_CANDIDATES.find((p) => existsSync(p));
  // The bold face beside it, for bold text (model plots' labels); without it resvg draws bold as regular.
  const bold = found?.replace(/(-Regular)?\.ttf$/, "-Bold.ttf");
  const files = [...fromEnv, ...(found ? [found] : []), ...(bold && bold !== found && existsSync(bold) ? [bold] : [])];
  if (files.length === 0) {
    fontSetup = { loadSystemFonts: true, fontFiles: [] };
  } else {
    const family = found?.includes("DejaVu") ? "DejaVu Sans" : found?.includes("Liberation") ? "Liberation Sans" : undefined;
    fontSetup = { loadSystemFonts: false, fontFiles: files, defaultFontFamily: family, sansSerifFamily: family };
  }
  return fontSetup;
}

type Renderer = (svg: string, options: ResvgRenderOptions) => Promise<RenderedImage>;
let renderer: Promise<Renderer> | undefined;

async function loadRenderer(): Promise<Renderer> {
  renderer ??= import("@resvg/resvg-js").then(
    (m) => m.renderAsync,
    (e: Error) => {
      renderer = undefined;
      throw new Error(`plot: PNG output needs the @resvg/resvg-js package, which did not load (${e.message}); run npm install, or save the figure as .svg instead`);
    },
  );
  return renderer;
}

/** A figure: `toSVG()`, `await toPNG()`, `await save("x.png" | "x.svg")`; shows inline in Deno's Jupyter kernel. */
export class Figure {
  readonly width: number;
  readonly height: number;
  /** The figure's title ("" when it has none). */
  readonly title: string;
  /** Pixels per SVG unit of toPNG() and save(".png") when no scale is given. */
  readonly pngScale: number;
  readonly #svg: string;

  constructor(svg: string, width: number, height: number, title = "", pngScale = 1) {
    this.#svg = svg;
    this.width = width;
    this.height = height;
    this.title = title;
    this.pngScale = pngScale;
  }

  /** The figure as a standalone SVG document. */
  toSVG(): string {
    return this.#svg;
  }

  /** The figure as PNG bytes, `width·scale` × `height·scale` pixels (rounded) on a white background. */
  async toPNG(opts: PngOptions = {}): Promise<Buffer> {
    const scale = opts.scale ?? this.pngScale;
    if (!(scale > 0 && scale <= 16)) throw new RangeError(`Figure.toPNG: scale must be within (0, 16], got ${valueText(scale)}`);
    const render = await loadRenderer();
    const font = resolveFonts();
    const image = await render(this.#svg, {
      font,
      background: "#ffffff",
      fitTo: scale === 1 ? { mode: "original" } : { mode: "zoom", value: scale },
      logLevel: "off",
    });
    return image.asPng();
  }

  /**
   * Writes the figure to `path`: `.svg` (the SVG text) or `.png` (rendered), chosen by the extension.
   * The file appears whole or not at all (temporary file, then rename); missing folders are created.
   */
  async save(path: string, opts: SaveOptions = {}): Promise<void> {
    if (typeof path !== "string" || path === "") throw new TypeError(`Figure.save: expected a file path ending in .png or .svg, got ${valueText(path)}`);
    if (opts.format !== undefined && opts.format !== "png" && opts.format !== "svg") throw new RangeError(`Figure.save: format must be "png" or "svg", got ${valueText(opts.format)}`);
    const ext = opts.format !== undefined ? `.${opts.format}` : extname(path).toLowerCase();
    if (ext !== ".svg" && ext !== ".png") throw new Error(`Figure.save: cannot tell the format of ${JSON.stringify(path)} from its extension ${JSON.stringify(ext || "(none)")}; use .png or .svg`);
    const data = ext === ".svg" ? new TextEncoder().encode(this.#svg) : await this.toPNG(opts);
    try {
      await writeBytesAtomically(path, data);
    } catch (e) {
      // The file system's own error, without the temporary file's name, which means nothing to the caller.
      const cause = (e instanceof Error && e.cause instanceof Error ? e.cause : e) as NodeJS.ErrnoException;
      const hint = cause.code === "EISDIR" ? `: it is a folder; name a file inside it, e.g. ${JSON.stringify(join(path, `figure${ext}`))}` : "";
      throw new Error(`Figure.save: cannot write ${JSON.stringify(path)} (${cause.code ?? cause.message})${hint}; any file that was there is unchanged`);
    }
  }

  /** Rich display for Jupyter kernels that look for this symbol (Deno's; see src/plot/README.md). */
  [Symbol.for("Jupyter.display")](): MimeBundle {
    return { "image/svg+xml": this.#svg, "text/plain": this.toString() };
  }

  toString(): string {
    return `Figure(${this.width}x${this.height}${this.title ? `, ${JSON.stringify(this.title)}` : ""})`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
