import { type LawStore, type MeasuredLaw, parseLaw } from "./law_file.ts";

/** Where the measured law of the default corpus's store is committed (README: the command). */
export const DEFAULT_LAW_FILE = new URL("./default_law.json", import.meta.url);

/** How the committed default law names itself in output. */
export const DEFAULT_LAW_SOURCE =
  "the measured law of the default corpus (model/sweep/default_law.json)";

/**
 * The committed law (`file`, default `DEFAULT_LAW_FILE`) when `store` is the store it was
 * measured on (the default corpus tokenized with the defaults: same tokenizer, same train tokens),
 * else null: other stores keep the published laws unless `--law` is given. Null too while no law
 * is committed, or when the committed one has an exponent that is not positive.
 */
export async function defaultLawFor(
  store: LawStore,
  file: URL = DEFAULT_LAW_FILE,
): Promise<MeasuredLaw | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  const law = parseLaw(text, file.pathname);
  const same = law.store.tokenizerSha256 === store.tokenizerSha256 &&
    law.store.trainTokens === store.trainTokens;
  // A default that could size nothing (no positive exponents) must not stop a plain `train`.
  return same && law.approach3.alpha.value > 0 && law.approach3.beta.value > 0 ? law : null;
}
