// The template miner's batch tokenizer in WebAssembly (assembly/miner.ts) against the TypeScript
// one it copies (tokenizeText in src/template.ts): the same token hashes and counts for every text.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { initSync } from "../src/kernel.js";
import { tokenizeForTest } from "../src/template.js";

initSync();

/** Characters every branch of the tokenizer looks at: letters, digits, spaces, brackets, key separators, punctuation. */
const ALPHABET = [..."aAbBzZmM09 \t\n\r.,;:!?)]\"'(-[_=<>{}/\\#@*+|~`^&%$"];
const textArb = fc.array(fc.constantFrom(...ALPHABET), { maxLength: 60 }).map((a) => a.join(""));

function expectSame(texts: string[]): void {
  const wasm = tokenizeForTest(texts, true), js = tokenizeForTest(texts, false);
  expect(Array.from(wasm.counts)).toEqual(Array.from(js.counts));
  expect(Array.from(wasm.toks)).toEqual(Array.from(js.toks));
}

describe("minerTokens (WebAssembly) agrees with the TypeScript tokenizer", () => {
  it("on hand-made texts that reach each rule", () => {
    expectSame([
      "", " ", "   \t\n ", "a", "A", "Hello, World!", "hello world", "(hello) [x] \"q\" 'it's' don't",
      "user=alice ret:false overlap:true, x:=y ns::name scheme://host a:b,c a:b;c;d",
      "() [] {} <> \"\" '' (x) <br> com.example.Error: at java.lang.Thread.run(Thread.java:745)",
      "id 1234 v2 3.14 0x1f key_name=value key.sub-part=9 -flag --long-flag",
      "Translate into French: The quick brown fox. TL;DR: tl;dr", "end.\" (start \"mid\") ok?!",
      "a.b.c. a- -a a-b a'b a' 'a", "x".repeat(5000), "word ".repeat(3000),
    ]);
  });

  it("on random texts of those characters (fast-check)", () => {
    fc.assert(fc.property(fc.array(textArb, { maxLength: 40 }), (texts) => { expectSame(texts); }), { numRuns: 300 });
  });

  it("across batches, with non-ASCII and very long texts in between (they take the TypeScript path)", () => {
    const texts: string[] = [];
    for (let i = 0; i < 12000; i++) {
      texts.push(i % 97 === 0 ? `Café número ${i}: ｆｕｌｌ width and\u00a0nbsp` : i % 1001 === 0 ? "long text ".repeat(60000)
        : `Prompt ${i}: explain step by step how to item-${i % 13} the thing, key=${i} (see [note]).`);
    }
    expectSame(texts);
  });

  it("rejects a text that is not a string, naming it", () => {
    expect(() => tokenizeForTest(["ok", 5 as unknown as string], true)).toThrow(/texts\[1\] must be a string/);
  });
});
