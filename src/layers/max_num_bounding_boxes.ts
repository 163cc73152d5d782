/**
 * Keras 3.15's layers.MaxNumBoundingBoxes: called on { images, bounding_boxes: { boxes, labels } },
 * it gives every image exactly `maxNumber` boxes, cutting the extra ones and padding the missing
 * ones (boxes and labels) with `fillValue`; images, labels and segmentation masks pass unchanged.
 * Called on images alone it returns them as they are. As in Keras, a dict with bounding boxes needs
 * the layer's boundingBoxFormat (any of Keras' formats; the layer does not read the coordinates).
 */
import { Tensor } from "../tensor/tensor.js";
import { shapeText } from "../tensor/shape.js";
import { valueText } from "../tensor/value_text.js";
import * as k from "../ops/keras_ops.js";
import { slice } from "../ops/shape.js";
import { checkFormat, isBoundingBoxDict, type BoundingBoxes } from "../ops/bounding_box_formats.js";
import { type CallOptions } from "./call_context.js";
import { layerOptions, type LayerShape } from "./layer.js";
import { single } from "./core.js";
import { type DataFormatArgs, DATA_FORMAT_OPTIONS } from "./data_format.js";
import { FixedImageLayer } from "./image_color_common.js";
import { checkImageShape } from "./image_layer_common.js";
import { applyImageLabelDict, isImageLabelDict } from "./image_label_dict.js";

export interface MaxNumBoundingBoxesArgs extends DataFormatArgs {
  /** The number of boxes every image gets (required): a positive integer. */
  maxNumber?: number;
  /** The value of padded boxes' coordinates and labels. Default -1. */
  fillValue?: number;
  /** The boxes' format (xyxy, yxyx, xywh, center_xywh, center_yxhw, rel_*); required to call the layer on bounding boxes, as in Keras. */
  boundingBoxFormat?: string | null;
}

export class MaxNumBoundingBoxes extends FixedImageLayer {
  static readonly options = layerOptions<MaxNumBoundingBoxesArgs>({ maxNumber: true, fillValue: true, boundingBoxFormat: true, ...DATA_FORMAT_OPTIONS });
  readonly maxNumber: number;
  readonly fillValue: number;
  readonly boundingBoxFormat: string | null;

  constructor(args: MaxNumBoundingBoxesArgs = {}) {
    super(args);
    const where = `MaxNumBoundingBoxes ${this.name}`;
    const { maxNumber, fillValue = -1, boundingBoxFormat = null } = args;
    // Keras stores int(max_number) and int(fill_value): integers only here, rather than truncating silently.
    if (typeof maxNumber !== "number" || !Number.isInteger(maxNumber) || maxNumber < 1) {
      throw new RangeError(`${where}: maxNumber must be a positive integer (the number of boxes per image), got ${valueText(maxNumber)}; e.g. layers.MaxNumBoundingBoxes(10, { boundingBoxFormat: "xyxy" })`);
    }
    if (typeof fillValue !== "number" || !Number.isInteger(fillValue)) {
      throw new RangeError(`${where}: fillValue must be an integer (the padded boxes' coordinates and labels), got ${valueText(fillValue)}`);
    }
    if (boundingBoxFormat !== null) checkFormat(where, "boundingBoxFormat", boundingBoxFormat);
    this.maxNumber = maxNumber;
    this.fillValue = fillValue;
    this.boundingBoxFormat = boundingBoxFormat;
  }

  /** Never reached: call returns the images as they are (Keras' transform_images is the identity here, without a cast). */
  protected transformBatch(x: Tensor): Tensor {
    return x;
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = single(inputs, this);
    checkImageShape(this, x.shape, this.dataFormat);
    return x;
  }

  /** { images, bounding_boxes, labels?, segmentation_masks? }: the boxes cut or padded to maxNumber. */
  protected override invoke(inputs: unknown, opts?: CallOptions, ...rest: unknown[]): unknown {
    if (!isImageLabelDict(inputs) || rest.length > 0) return super.invoke(inputs, opts, ...rest);
    const out = applyImageLabelDict(this, inputs, opts, (images, labels) => ({ images, labels }), ["bounding_boxes", "segmentation_masks"]);
    if ("bounding_boxes" in inputs) out.bounding_boxes = this.fitBoxes(inputs.bounding_boxes, out.images.rank === 4);
    return out;
  }

  /** Keras' densify + transform_bounding_boxes: boxes float32 [b, n, 4] and labels [b, n] cut or padded to maxNumber boxes. */
  private fitBoxes(data: unknown, batched: boolean): BoundingBoxes {
    const where = `MaxNumBoundingBoxes ${this.name}`;
    if (this.boundingBoxFormat === null) {
      throw new TypeError(`${where}: the input has a "bounding_boxes" key but the layer has no bounding box format; pass one, e.g. layers.MaxNumBoundingBoxes(10, { boundingBoxFormat: "xyxy" })`);
    }
    if (!isBoundingBoxDict(data) || !("labels" in data)) {
      throw new TypeError(`${where}: "bounding_boxes" must be an object with "boxes" and "labels" tensors, got ${valueText(data)}`);
    }
    const boxes = k.convertToTensor(data.boxes, "float32");
    const labels = k.convertToTensor(data.labels as Tensor);
    const want = batched ? 3 : 2;
    if (boxes.rank !== want || boxes.shape[want - 1] !== 4) {
      throw new RangeError(`${where}: bounding_boxes.boxes must be ${batched ? "[batch, n, 4] for a batch of images" : "[n, 4] for one image"}, got ${shapeText(boxes.shape)}`);
    }
    if (labels.rank !== want - 1 || labels.shape.some((d, i) => d !== boxes.shape[i])) {
      throw new RangeError(`${where}: bounding_boxes.labels must have one label per box, shape ${shapeText(boxes.shape.slice(0, -1))}, got ${shapeText(labels.shape)}`);
    }
    const b = batched ? boxes : k.expandDims(boxes, 0), l = batched ? labels : k.expandDims(labels, 0);
    const n = b.shape[1], extra = Math.max(this.maxNumber - n, 0);
    const cut = (t: Tensor): Tensor => (n > this.maxNumber ? slice(t, [0, 0], [-1, this.maxNumber]) : t);
    const fitB = k.pad(cut(b), [[0, 0], [0, extra], [0, 0]], "constant", this.fillValue) as Tensor;
    const fitL = k.pad(cut(l), [[0, 0], [0, extra]], "constant", this.fillValue) as Tensor;
    return { ...data, boxes: batched ? fitB : k.squeeze(fitB, 0), labels: batched ? fitL : k.squeeze(fitL, 0) };
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    checkImageShape(this, inputShape, this.dataFormat);
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { ...super.getConfig(), max_number: this.maxNumber };
    // Keras' get_config leaves fill_value out (a reload pads with -1); lamina writes it when it is not -1, which Keras' constructor reads too.
    if (this.fillValue !== -1) config.fill_value = this.fillValue;
    if (this.boundingBoxFormat !== null) config.bounding_box_format = this.boundingBoxFormat;
    return config;
  }
}
