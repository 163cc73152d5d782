// How run-tests.mjs groups the unit test files into processes (see the comment there).
export const SHARD_FILES = 25;

/** Groups test files by their folder two levels down (src/layers, examples/guides; top-level files by their first folder) in chunks of at most maxFiles. */
export function shardFiles(list, maxFiles = SHARD_FILES) {
  const groups = new Map();
  for (const f of list) {
    const parts = f.split(/[\\/]/);
    const key = parts.length > 2 ? parts.slice(0, 2).join("_") : parts[0];
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(f);
  }
  const shards = [];
  for (const [key, members] of groups) {
    const count = Math.ceil(members.length / maxFiles);
    for (let i = 0; i < count; i++) {
      shards.push({ name: count > 1 ? `${key}_${i + 1}` : key, members: members.slice(i * maxFiles, (i + 1) * maxFiles) });
    }
  }
  // The largest shards first, so the last ones to finish are short.
  return shards.sort((a, b) => b.members.length - a.members.length);
}
