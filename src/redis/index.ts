/**
 * `neardup/redis`: the near-duplicate campaign detector with its state in Redis (standalone or
 * Redis Cluster), shared by many Node processes. Needs the optional peer dependency `ioredis`
 * (the caller builds the client; this module never imports it).
 */
export {
  RedisDetector, RedisDetectorError, type RedisClient, type RedisDetectorOptions, type RedisDetectorProblem,
} from "./detector.js";
