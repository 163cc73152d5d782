/**
 * Keras' published weight files, and the other files Keras keeps beside them (the ImageNet class
 * index), i.e. keras.utils.get_file with cache_subdir="models": looked for in
 * lamina's model cache (`LAMINA_MODELS`, else `~/.lamina/models`) and in Keras' own
 * (`$KERAS_HOME/models`, else `~/.keras/models`), so a file Keras already downloaded is reused;
 * otherwise downloaded into lamina's cache with its MD5 or SHA-256 checked, unless `LAMINA_OFFLINE=1`. When
 * nothing works the error says where the file was looked for and where to put it by hand.
 */
import { existsSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { downloadFile, fileHash } from "../data/download.js";
import { HASH_TEXT, resolveHashAlgorithm, type HashAlgorithm } from "../data/hash_algorithm.js";

export interface WeightsFileSpec {
  /** The file name Keras caches it under, e.g. "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5". */
  fname: string;
  /** Where Keras downloads it from. */
  origin: string;
  /** Keras' file_hash when it is an MD5; files Keras publishes without one are not checked. */
  md5?: string;
  /**
   * Keras' file_hash of any kind (ConvNeXt's are SHA-256), read as Keras' get_file reads it:
   * with hashAlgorithm "auto" (the default) a 64-digit hash is a SHA-256 and a 32-digit one an MD5.
   */
  fileHash?: string;
  /** Keras' hash_algorithm for fileHash: "auto" (default), "sha256" or "md5". */
  hashAlgorithm?: "auto" | "sha256" | "md5";
}

/** The checksum a spec asks for, as [algorithm, lower-case hex digest], or null when none. */
function expectedHash(where: string, spec: WeightsFileSpec): [HashAlgorithm, string] | null {
  if (spec.fileHash !== undefined && spec.md5 !== undefined) {
    throw new TypeError(`${where}: the weights file spec for ${spec.fname} gives both md5 and fileHash; give one (fileHash with hashAlgorithm covers both kinds)`);
  }
  if (spec.md5 !== undefined) return checkedHash(where, spec.fname, "md5", spec.md5);
  if (spec.fileHash === undefined) return null;
  return checkedHash(where, spec.fname, resolveHashAlgorithm(where, spec.hashAlgorithm ?? "auto", spec.fileHash), spec.fileHash);
}

function checkedHash(where: string, fname: string, algorithm: HashAlgorithm, hash: string): [HashAlgorithm, string] {
  const digits = algorithm === "sha256" ? 64 : 32;
  if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(hash)) {
    throw new RangeError(`${where}: the ${HASH_TEXT[algorithm]} given for ${fname} must be ${digits} hex digits, got ${JSON.stringify(hash)}`);
  }
  return [algorithm, hash.toLowerCase()];
}

export interface WeightsFileOptions {
  /** The cache folder; default `LAMINA_MODELS` or `~/.lamina/models`. */
  cacheDir?: string;
  /** Download when missing (default true; `LAMINA_OFFLINE=1` turns it off). */
  download?: boolean;
  /** Print where the file came from. */
  verbose?: boolean;
}

/** lamina's model cache. */
export function modelsCacheDir(opts: WeightsFileOptions = {}): string {
  return resolve(opts.cacheDir ?? process.env.LAMINA_MODELS ?? join(homedir(), ".lamina", "models"));
}

/** Keras' model cache, where keras.applications puts the same files. */
function kerasModelsDir(): string {
  return join(process.env.KERAS_HOME ?? join(homedir(), ".keras"), "models");
}

/**
 * The local path of a published weights file: from a cache when present and intact, otherwise
 * downloaded. `where` names the caller in messages ("applications.VGG16").
 */
export function getWeightsFile(where: string, spec: WeightsFileSpec, opts: WeightsFileOptions = {}): Promise<string> {
  return getModelsFile(where, spec, opts, {
    what: "the weights file",
    otherwise: 'or pass weights: null for random initialization, or weights: "<path of the file>".',
  });
}

/** How the final error names the file and what the caller can do instead of fetching it. */
export interface ModelsFileText {
  /** e.g. "the weights file", "ImageNet's class index". */
  what: string;
  /** The last clause of the fix, starting with "or ...". */
  otherwise: string;
}

/** getWeightsFile for any file of Keras' model cache; `text` words the final error. */
export async function getModelsFile(where: string, spec: WeightsFileSpec, opts: WeightsFileOptions, text: ModelsFileText): Promise<string> {
  const cache = modelsCacheDir(opts);
  const expected = expectedHash(where, spec);
  const tried: string[] = [];
  for (const dir of [cache, kerasModelsDir()]) {
    const path = join(dir, spec.fname);
    if (!existsSync(path) || !statSync(path).isFile()) {
      tried.push(`${path}: not there`);
      continue;
    }
    if (expected) {
      const [algorithm, want] = expected;
      const got = fileHash(path, algorithm);
      if (got !== want) {
        // Keras re-downloads such a file: it is incomplete or from another release.
        tried.push(`${path}: present but its ${HASH_TEXT[algorithm]} is ${got}, not ${want} (incomplete or a different file), so it was not used`);
        continue;
      }
    }
    if (opts.verbose) console.log(`${where}: using ${path}`);
    return path;
  }
  const allowDownload = opts.download ?? process.env.LAMINA_OFFLINE !== "1";
  const dest = join(cache, spec.fname);
  if (allowDownload) {
    try {
      if (opts.verbose) console.log(`${where}: downloading ${spec.origin} into ${cache}`);
      return await downloadFile(spec.origin, dest, expected ? { [expected[0]]: expected[1] } : {});
    } catch (e) {
      tried.push(`download: ${(e as Error).message}`);
    }
  } else {
    tried.push(`download: disabled (${opts.download === false ? "download: false" : "LAMINA_OFFLINE=1"})`);
  }
  throw new Error(
    `${where}: ${text.what} ${spec.fname} is not available. Tried, in order:\n  - ${tried.join("\n  - ")}\n` +
      `To fix: download ${spec.origin} on a machine with network access${expected ? ` (its ${HASH_TEXT[expected[0]]} must be ${expected[1]})` : ""} ` +
      `and copy it to ${dest} (or to Keras' cache, ${join(kerasModelsDir(), spec.fname)}); ${text.otherwise}`,
  );
}
