/**
 * Whether a value is a plain object ({ ... } or Object.create(null)) rather than a tensor, an array
 * or another class's instance: how the layers tell Keras' dict inputs ({ images, labels }, a
 * FeatureSpace batch) from tensors.
 */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
