/**
 * lamina's figures, rendered without a browser: `plot.history`, `plot.images`, `plot.image`,
 * `plot.learningCurves`, `plot.scatter`, `plot.confusionMatrix`, `plot.bar`, `plot.model` (a model's layer graph, as Keras' plot_model). Each returns a `Figure` with
 * `toSVG()`, `await toPNG()` and `await save("x.png" | "x.svg")`.
 */
export { Figure, type PngOptions, type SaveOptions, type MimeBundle } from "./figure.js";
export { history, learningCurves, bar, type HistoryLike, type HistoryPlotOptions, type LearningCurvesOptions, type RunCurves, type BarOptions, type FigureSize } from "./charts.js";
export { images, image, type ImagesOptions, type ImageOptions, type ImageScaleOptions, type LabelsLike } from "./images.js";
export { scatter, type ScatterOptions, type ScatterValues } from "./scatter.js";
export { confusionMatrix, confusionCounts, type ConfusionMatrixOptions } from "./confusion.js";
export { confidenceBand, tQuantile, tCdf, type ConfidenceBand } from "./stats.js";
export { COLORMAPS, type Colormap } from "./colors.js";
export { model, type ModelPlotOptions } from "./model_plot.js";
export { gifBytes, saveGif, type GifOptions } from "./gif.js";
