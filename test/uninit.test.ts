// Before init, every entry point that needs the kernel says how to load it.
import { describe, it, expect } from "vitest";
import { MinHasher, SimHasher, tokens } from "../src/index";

describe("before init", () => {
  it("signing throws an error that says to call init()", () => {
    const h = new MinHasher();
    expect(() => h.sign("hello world")).toThrow(/call `await init\(\)` \(or `initSync\(\)` in Node\) first/);
    expect(() => new SimHasher().fingerprint("x")).toThrow(/init/);
    expect(() => tokens("x")).toThrow(/init/);
  });
  it("constructing hashers and validating options works without the kernel", () => {
    expect(new MinHasher({ algorithm: "datasketch", numPerm: 256 }).numPerm).toBe(256);
    expect(() => new MinHasher({ numPerm: 0 })).toThrow(RangeError);
  });
});
