// The template miner's batch tokenizer in WebAssembly (assembly/miner.ts) against the TypeScript
// one it copies (tokenizeText in src/template.ts): the same token hashes and counts for every text.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { initSync } from "../src/kernel.js";
import { tokenizeForTest } from "../src/template.js";

initSync();

/** Characters every branch of the tokenizer looks at: letters, digits, spaces, brackets, key separators, punctuation. */
const ALPHABET = [..."aAbBzZmM09 \t\n\r.,;:!?)]\"'(-[_=<>{}/\\#@*+|~`^&%$"];
/** ... and what normalized text outside ASCII holds: accents, ’ (inside a word), wide spaces,
 * NFKC-folded full-width letters, Cyrillic, CJK, an emoji (two UTF-16 units). */
const WIDE = [...ALPHABET, "é", "ß", "’", "\u00a0", "\u2003", "\u3000", "\u0085", "ｆ", "Ａ", "д", "Ж", "漢", "字", "😀", "\u200b"];
const textArb = fc.array(fc.constantFrom(...ALPHABET), { maxLength: 60 }).map((a) => a.join(""));
const wideArb = fc.array(fc.constantFrom(...WIDE), { maxLength: 60 }).map((a) => a.join(""));

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

  it("on random texts outside ASCII (fast-check; normalized, then tokenized as UTF-8)", () => {
    fc.assert(fc.property(fc.array(wideArb, { maxLength: 40 }), (texts) => { expectSame(texts); }), { numRuns: 300 });
  });

  it("on texts outside ASCII that reach each rule, and lone surrogates (the TypeScript path)", () => {
    expectSame([
      "Café, número 12: ｆｕｌｌ width and\u00a0nbsp", "l’homme d’affaires", "ПРИВЕТ мир: ключ=значение",
      "(«quoted» text) [漢字] \u3000 ideographic space", "emoji 😀 inside wor😀d and at end 😀",
      "key:значение a:b, c:д; ümlaut=ö", "\u2003leading and trailing wide spaces\u2003", "lone \ud800 high and low \udc00 here",
      "(\u00a0) ( ) (é) \"\u2028\" x\u0085y", "Straße ΣΊΣΥΦΟΣ ǅ ﬁ ①②",
    ]);
  });

  it("across batches, with non-ASCII and very long texts in between", () => {
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
