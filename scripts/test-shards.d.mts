// Types for test-shards.mjs (plain JavaScript because run-tests.mjs runs before tsx is loaded).
export declare const SHARD_FILES: number;
export interface TestShard {
  name: string;
  members: string[];
}
export declare function shardFiles(list: readonly string[], maxFiles?: number): TestShard[];
