/**
 * `utils.boundingBoxes`: Keras 3.15's keras.utils.bounding_boxes (format conversion, clipping,
 * cropping, padding, affine transforms, anchor deltas, IoU and CIoU of boxes), camelCased with
 * Keras' positional arguments.
 */
export { convertFormat, BOUNDING_BOX_FORMATS, type BoundingBoxFormat, type BoundingBoxes } from "./bounding_box_formats.js";
export { clipToImageSize, crop, pad, affineTransform, encodeBoxToDeltas, decodeDeltasToBoxes } from "./bounding_box_transforms.js";
export { computeIou, computeCiou } from "./bounding_box_iou.js";
