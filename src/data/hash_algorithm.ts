/** Keras' resolve_hasher, shared by utils.getFile and the applications' weights files. */

export type HashAlgorithm = "sha256" | "md5";

/** How messages name each algorithm. */
export const HASH_TEXT: Record<HashAlgorithm, string> = { sha256: "SHA-256", md5: "MD5" };

/**
 * sha256 or md5 when asked; with "auto", sha256 for a 64-digit hash and md5 for a 32-digit one
 * (Keras picks md5 for any other length; here that is refused, since no such hash can match).
 */
export function resolveHashAlgorithm(where: string, algorithm: "auto" | HashAlgorithm, hash: string): HashAlgorithm {
  if (algorithm === "sha256") return "sha256";
  if (algorithm === "md5") return "md5";
  if (hash.length === 64) return "sha256";
  if (hash.length === 32) return "md5";
  throw new RangeError(`${where}: fileHash ${hash} has ${hash.length} characters; a SHA-256 hash has 64 hex digits and an MD5 hash 32 (compute one with sha256sum or md5sum)`);
}
