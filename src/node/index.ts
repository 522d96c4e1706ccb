/** Node.js helpers (`neardup/node`): writing snapshots atomically. */
export * from "./save.js";
