import { assertEquals, assertThrows } from "./assert.ts";
import { helpText, numberFlag, parseFlags } from "../tasks/cli/flags.ts";
import { UserError } from "../core/user_error.ts";

Deno.test("numberFlag reads every spelling the size task documents", () => {
  assertEquals(numberFlag("tokens", "1e9"), 1e9);
  assertEquals(numberFlag("tokens", "1_000_000_000"), 1e9);
  assertEquals(numberFlag("tokens", "1B"), 1e9);
  assertEquals(numberFlag("tokens", "250M"), 2.5e8);
  assertEquals(numberFlag("tokens", "2.5e8"), 2.5e8);
  assertEquals(numberFlag("tokens", "12k"), 12_000);
  assertEquals(numberFlag("lr", "5e-4"), 5e-4);
});

Deno.test("numberFlag refuses bad values with a message that names the flag", () => {
  const error = assertThrows(() => numberFlag("tokens", "abc"), UserError);
  assertEquals(error.message, "--tokens: expected a number, got 'abc'");
  assertThrows(() => numberFlag("tokens", "-5", { min: 1 }), UserError, "--tokens: must be");
  assertThrows(() => numberFlag("vocab", "1.5", { integer: true }), UserError, "whole number");
  assertThrows(() => numberFlag("top-p", "2", { min: 0, max: 1 }), UserError, "between 0 and 1");
  assertThrows(() => numberFlag("tokens", "1e999"), UserError, "not finite");
});

Deno.test("parseFlags turns unknown flags into a UserError", () => {
  const specs = { vocab: { type: "string" as const, help: "N  vocabulary size" } };
  assertEquals(parseFlags(["--vocab", "512"], "usage", specs).vocab, "512");
  assertThrows(() => parseFlags(["--vocabb", "1"], "usage", specs), UserError, "--vocabb");
  assertThrows(() => parseFlags(["--vocab"], "usage", specs), UserError, "--vocab");
  // A negative number is the flag's value, for numberFlag to judge, not another flag.
  assertEquals(parseFlags(["--vocab", "-5"], "usage", specs).vocab, "-5");
});

Deno.test("helpText lists every flag with its argument", () => {
  const text = helpText("usage: x", {
    vocab: { type: "string", help: "N  vocabulary size" },
    json: { type: "boolean", help: "print JSON" },
  });
  assertEquals(text.includes("--vocab N"), true);
  assertEquals(text.includes("vocabulary size"), true);
  assertEquals(text.includes("--json"), true);
  assertEquals(text.includes("--help"), true);
});
