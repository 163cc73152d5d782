/**
 * Keras' keras.utils image helpers under their own names (load_img, img_to_array, array_to_img,
 * save_img). lamina has no PIL image: an "image" is a uint8 tensor [h, w, c], which loadImage
 * already returns, so these are thin conversions with Keras' scaling rules.
 */
import type { Tensor } from "../tensor/tensor.js";
import { shapeText } from "../tensor/shape.js";
import { cast, div, floor, mul, sub } from "../ops/math.js";
import { max, min } from "../ops/reduce.js";
import { noGrad } from "../ops/engine.js";
import { loadImage, saveImage, type LoadImageOptions, type SaveImageOptions } from "./image.js";

/** keras.utils.load_img: the image file as a uint8 tensor [h, w, c] (loadImage). */
export function loadImg(path: string | Uint8Array, opts: LoadImageOptions = {}): Tensor {
  return loadImage(path, opts);
}

/** keras.utils.img_to_array: the image's values as float32 (Keras' default dtype), [h, w, c]. */
export function imgToArray(img: Tensor, opts: { dtype?: "float32" | "float64" | "int32" } = {}): Tensor {
  if (img.rank !== 3 && img.rank !== 2) throw new RangeError(`imgToArray: expected an image [h, w] or [h, w, c], got ${shapeText(img.shape)}`);
  const x = cast(img, opts.dtype ?? "float32");
  return img.rank === 2 ? x.reshape([...img.shape, 1]) : x;
}

export interface ArrayToImgOptions {
  /** Keras' scale (default true): shift the minimum to 0 and stretch the maximum to 255. */
  scale?: boolean;
}

/**
 * keras.utils.array_to_img: [h, w, 1 | 3 | 4] values to a uint8 image. With scale (the default)
 * x - min(x) is divided by its maximum (when not 0) and multiplied by 255, then truncated to
 * integers as numpy's astype("uint8") does; without it the values must already be 0..255.
 */
export function arrayToImg(x: Tensor, opts: ArrayToImgOptions = {}): Tensor {
  if (x.rank !== 3 || ![1, 3, 4].includes(x.shape[2])) {
    throw new RangeError(`arrayToImg: expected an array [height, width, 1 | 3 | 4], got ${shapeText(x.shape)}`);
  }
  return noGrad(() => {
    let v = cast(x, "float64");
    if (opts.scale ?? true) {
      v = sub(v, min(v));
      const top = max(v).item() as number;
      if (top !== 0) v = div(v, top);
      v = mul(v, 255);
    } else {
      const lo = min(v).item() as number, hi = max(v).item() as number;
      if (lo < 0 || hi > 255) throw new RangeError(`arrayToImg: with scale: false the values must lie in [0, 255], got [${lo}, ${hi}]; leave scale on`);
    }
    return cast(floor(v), "uint8");
  });
}

/** keras.utils.save_img(path, x, { scale }): arrayToImg's image written as .png or .jpg. */
export function saveImg(path: string, x: Tensor, opts: ArrayToImgOptions & SaveImageOptions = {}): void {
  saveImage(arrayToImg(x, { scale: opts.scale }), path, { quality: opts.quality });
}
