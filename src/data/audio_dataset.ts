/**
 * `utils.audioDatasetFromDirectory`: Keras 3's `audio_dataset_from_directory`. The same .wav files,
 * in the same shuffled order and validation split as Keras for a seed (the listing shared with
 * imageDatasetFromDirectory and textDatasetFromDirectory), decoded as tf.audio.decode_wav decodes
 * them: float32 [samples, channels], 16-bit PCM only.
 */
import { readFileSync } from "node:fs";
import { Tensor, makeTensor } from "../tensor/tensor.js";
import { valueText } from "../tensor/value_text.js";
import { Dataset } from "./dataset.js";
import { TensorSpec } from "./tensor_spec.js";
import { decodeWav, type WavAudio } from "./wav.js";
import { checkDirectoryOptions, listDirectoryFiles, splitPart, labelSpec, labelTensor, type DirectoryFilesOptions, type FileKind } from "./directory_files.js";
import { booleanOption } from "../tensor/option_checks.js";

const W = "audioDatasetFromDirectory";
const AUDIO: FileKind = { one: "audio", many: "audio files", formats: [".wav"], example: "1.wav" };

export interface AudioDatasetFromDirectoryOptions extends DirectoryFilesOptions {
  /**
   * "inferred" (default: one class per subdirectory), null (audio only), or one integer label per
   * .wav file in the files' alphanumeric order (the order Keras' os.walk listing gives).
   */
  labels?: "inferred" | readonly number[] | null;
  /** "int" (default: int32 [batch]), "categorical" (one-hot float32 [batch, classes]), "binary" (float32 [batch, 1], two classes) or null (audio only). */
  labelMode?: "int" | "categorical" | "binary" | null;
  /** Clips per batch (default 32); null yields single clips [samples, channels]. */
  batchSize?: number | null;
  /**
   * Keras resamples to this rate with tensorflow-io's resampler, which lamina does not reproduce:
   * a positive integer is refused with a hint to resample the files beforehand. Leave it out (null).
   */
  samplingRate?: number | null;
  /** Cut every clip to this many samples, padding shorter ones with zeros. When null (default) each batch is padded to its longest clip. */
  outputSequenceLength?: number | null;
  /** Keras' ragged batches: lamina has no ragged tensors, so true is refused. Default false. */
  ragged?: boolean;
}

/** The dataset audioDatasetFromDirectory returns: a data.Dataset with Keras' class_names and file_paths. */
export type AudioDirectoryDataset<E extends Tensor | Tensor[] = Tensor[]> = Dataset<E> & {
  /** The class of each label index (Keras' class_names); null when the dataset has no labels. */
  readonly classNames: E extends Tensor[] ? string[] : null;
  /** The .wav files, in the order of the (shuffled) file list. */
  readonly filePaths: string[];
};

type BaseOptions = Omit<AudioDatasetFromDirectoryOptions, "labels" | "labelMode" | "subset">;
type Labelled = { labels?: "inferred" | readonly number[]; labelMode?: "int" | "categorical" | "binary" };
type Unlabelled = { labels: null; labelMode?: AudioDatasetFromDirectoryOptions["labelMode"] } | { labels?: AudioDatasetFromDirectoryOptions["labels"]; labelMode: null };
type OneSubset = { subset?: "training" | "validation" };
type BothSubsets = { subset: "both" };

/** The checks Keras makes of ragged, outputSequenceLength and samplingRate, and lamina's refusals; returns outputSequenceLength. */
function checkAudioOptions(opts: AudioDatasetFromDirectoryOptions): number | null {
  const known = new Set(["labels", "labelMode", "classNames", "batchSize", "samplingRate", "outputSequenceLength", "ragged", "shuffle", "seed", "validationSplit", "subset", "followLinks", "verbose"]);
  for (const k of Object.keys(opts)) {
    if (!known.has(k)) throw new TypeError(`${W}: unknown option ${JSON.stringify(k)}; the options are ${[...known].join(", ")}`);
  }
  for (const k of ["ragged", "shuffle", "followLinks", "verbose"] as const) {
    booleanOption(W, k, opts[k], false);
  }
  const length = opts.outputSequenceLength ?? null;
  if (opts.ragged === true && length !== null) {
    throw new Error(`${W}: ragged and outputSequenceLength cannot both be set (Keras' rule); leave one out`);
  }
  if (opts.ragged === true) {
    throw new Error(`${W}: ragged: true is not supported: lamina has no ragged tensors. Leave ragged out to pad each batch to its longest clip, set outputSequenceLength to cut/pad every clip to one length, or use batchSize: null for single clips of their own length`);
  }
  if (length !== null && !(Number.isInteger(length) && length > 0)) {
    throw new RangeError(`${W}: outputSequenceLength must be a positive integer (samples per clip) or null (pad each batch to its longest clip), got ${valueText(length)}`);
  }
  const rate = opts.samplingRate ?? null;
  if (rate !== null) {
    if (!Number.isInteger(rate)) throw new TypeError(`${W}: samplingRate should have an integer value, got ${valueText(rate)}`);
    if (rate <= 0) throw new RangeError(`${W}: samplingRate should be higher than 0, got ${rate}`);
    throw new Error(`${W}: samplingRate ${rate} is not supported: Keras resamples with tensorflow-io's resampler (and refuses samplingRate without tensorflow-io installed), which lamina does not reproduce. Resample the files beforehand (e.g. \`ffmpeg -i in.wav -ar ${rate} -c:a pcm_s16le out.wav\` or \`sox in.wav -r ${rate} out.wav\`) and leave samplingRate out`);
  }
  return length;
}

function readClip(path: string): WavAudio {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`${W}: cannot read ${path}: ${(e as Error).message}; check that the file exists and is readable`);
  }
  return decodeWav(bytes, path);
}

/** Clips as one float32 [clips, length, channels] tensor, zero-padded (time and channels) as tf.data's padded_batch pads. */
function stackClips(clips: WavAudio[], length: number | null, paths: string[], padded: boolean): Tensor {
  const channels = Math.max(...clips.map((c) => c.channels));
  if (!padded) {
    const other = clips.findIndex((c) => c.channels !== clips[0].channels);
    if (other >= 0) {
      throw new Error(`${W}: cannot batch ${paths[0]} (${clips[0].channels} channel(s)) with ${paths[other]} (${clips[other].channels} channel(s)); with outputSequenceLength every clip in a batch needs the same number of channels (Keras' batch refuses it too): convert the files to one channel count, or use batchSize: null`);
    }
  }
  const len = length ?? Math.max(...clips.map((c) => c.samples));
  const out = new Float32Array(clips.length * len * channels);
  clips.forEach((c, b) => {
    const n = Math.min(c.samples, len);
    for (let t = 0; t < n; t++) {
      for (let ch = 0; ch < c.channels; ch++) out[(b * len + t) * channels + ch] = c.data[t * c.channels + ch];
    }
  });
  return makeTensor(out, [clips.length, len, channels], "float32");
}

/** Labels of a batch: int32 [batch], float32 [batch, 1] ("binary") or [batch, classes] ("categorical"). */
function stackLabels(per: Tensor[], labelMode: "int" | "categorical" | "binary"): Tensor {
  const width = per[0].size;
  const data = labelMode === "int" ? new Int32Array(per.length) : new Float32Array(per.length * width);
  per.forEach((t, r) => data.set(t.dataSync() as Int32Array | Float32Array, r * width));
  return makeTensor(data, [per.length, ...per[0].shape], labelMode === "int" ? "int32" : "float32");
}

/**
 * Keras' `audio_dataset_from_directory`: batches `[audio, labels]` of the .wav files of a directory
 * with one subdirectory per class. audio is float32 [batch, samples, channels] in [-1, 1) (16-bit
 * PCM / 32768, as tf.audio.decode_wav), zero-padded to the batch's longest clip or cut/padded to
 * outputSequenceLength; labels int32 [batch], float32 [batch, 1] ("binary") or one-hot float32
 * [batch, classes] ("categorical"). Files are decoded while iterating.
 *
 * ```ts
 * const [train, val] = utils.audioDatasetFromDirectory("mini_speech_commands", {
 *   batchSize: 64, validationSplit: 0.2, seed: 0, outputSequenceLength: 16000, subset: "both" });
 * ```
 */
export function audioDatasetFromDirectory(directory: string, opts: BaseOptions & Unlabelled & BothSubsets): [AudioDirectoryDataset<Tensor>, AudioDirectoryDataset<Tensor>];
export function audioDatasetFromDirectory(directory: string, opts: BaseOptions & Unlabelled & OneSubset): AudioDirectoryDataset<Tensor>;
export function audioDatasetFromDirectory(directory: string, opts: BaseOptions & Labelled & BothSubsets): [AudioDirectoryDataset, AudioDirectoryDataset];
export function audioDatasetFromDirectory(directory: string, opts?: BaseOptions & Labelled & OneSubset): AudioDirectoryDataset;
/** Options known only at run time: the element and result types are unions. */
export function audioDatasetFromDirectory(directory: string, opts?: AudioDatasetFromDirectoryOptions): AudioDirectoryDataset<Tensor | Tensor[]> | [AudioDirectoryDataset<Tensor | Tensor[]>, AudioDirectoryDataset<Tensor | Tensor[]>];
export function audioDatasetFromDirectory(directory: string, opts: AudioDatasetFromDirectoryOptions = {}): AudioDirectoryDataset<Tensor | Tensor[]> | AudioDirectoryDataset<Tensor | Tensor[]>[] {
  if (typeof opts !== "object" || opts === null || Array.isArray(opts)) throw new TypeError(`${W}: options must be an object, got ${valueText(opts)}`);
  const length = checkAudioOptions(opts);
  const settings = checkDirectoryOptions(W, AUDIO, opts);
  const { labelMode, batchSize, shuffle, seed, subset } = settings;
  const files = listDirectoryFiles(W, AUDIO, directory, settings);
  const shuffleBuffer = batchSize === null ? 1024 : batchSize * 8;

  const build = (part: "training" | "validation" | null, reshuffle: boolean): AudioDirectoryDataset<Tensor | Tensor[]> => {
    const { paths, labels } = splitPart(W, AUDIO, files, settings, part);
    const n = paths.length;
    let order: Dataset<Tensor> = Dataset.range(n);
    if (reshuffle) order = order.shuffle(shuffleBuffer, { seed });
    if (batchSize !== null) order = order.batch(batchSize);
    const labelOf = (i: number): Tensor => labelTensor(labelMode, (labels as number[])[i], files.numClasses);
    const lead: (number | null)[] = batchSize === null ? [] : [null];
    // tf.audio.decode_wav's static shape: the clip length when desired_samples fixes it, channels unknown.
    const audioSpec = new TensorSpec([...lead, length, null], "float32");
    const labels1 = labelMode === null ? null : labelSpec(labelMode, files.numClasses);
    const out = order.map((t): Tensor | Tensor[] => {
      const idx = Array.from(t.dataSync() as Int32Array);
      const clips = idx.map((i) => readClip(paths[i]));
      let x = stackClips(clips, length ?? (batchSize === null ? clips[0].samples : null), idx.map((i) => paths[i]), length === null);
      if (batchSize === null) x = makeTensor(x.dataSync() as Float32Array, x.shape.slice(1), "float32");
      if (labelMode === null) return x;
      const per = idx.map(labelOf);
      return [x, batchSize === null ? per[0] : stackLabels(per, labelMode)];
    }).ensureSpec(labels1 === null ? audioSpec : [audioSpec, new TensorSpec([...lead, ...labels1.shape], labels1.dtype)]);
    return Object.assign(out, { classNames: labelMode === null ? null : files.classNames, filePaths: paths }) as AudioDirectoryDataset<Tensor | Tensor[]>;
  };
  if (subset === "both") return [build("training", shuffle), build("validation", false)];
  return build(subset ?? null, shuffle);
}
