import { UserError } from "../core/user_error.ts";
import type { ComputeFrontier } from "./frontier.ts";
import { parametricFrontier, type ParametricLossFit } from "./parametric_loss.ts";
import { chinchillaApproach1Frontier } from "./law_chinchilla.ts";
import { CHINCHILLA_APPROACH_3 } from "./law_chinchilla_fit.ts";
import { BESIROGLU_2024 } from "./law_epoch.ts";

/** The laws `--law` accepts. */
export type LawName = "chinchilla" | "chinchilla-fit" | "epoch";

/** Every `LawName`, the default first. */
export const LAW_NAMES: readonly LawName[] = ["chinchilla", "chinchilla-fit", "epoch"];

/** A scaling law: the frontier that sizes the model and the parametric fit that predicts its loss. */
export interface ScalingLaw {
  /** The `--law` name. */
  name: LawName;
  /** Where the frontier comes from, for output. */
  description: string;
  /** N_opt(C) and D_opt(C), and their inverses. */
  frontier: ComputeFrontier;
  /** The fit that predicts the loss (Approach 1 has none of its own, so it borrows Approach 3's). */
  lossFit: ParametricLossFit;
}

const LAWS: Record<LawName, ScalingLaw> = {
  "chinchilla": {
    name: "chinchilla",
    description: "Hoffmann et al. 2022, Approach 1: the frontier of Table 3",
    frontier: chinchillaApproach1Frontier,
    lossFit: CHINCHILLA_APPROACH_3,
  },
  "chinchilla-fit": {
    name: "chinchilla-fit",
    description: "Hoffmann et al. 2022, Approach 3: the frontier of the fitted L(N, D)",
    frontier: parametricFrontier(CHINCHILLA_APPROACH_3),
    lossFit: CHINCHILLA_APPROACH_3,
  },
  "epoch": {
    name: "epoch",
    description: "Besiroglu et al. 2024: the frontier of the replication's fitted L(N, D)",
    frontier: parametricFrontier(BESIROGLU_2024),
    lossFit: BESIROGLU_2024,
  },
};

/**
 * The law called `name`; a `UserError` listing the choices otherwise.
 *
 * @example
 * ```ts
 * import { scalingLaw } from "./laws.ts";
 * scalingLaw("chinchilla").frontier.paramsForCompute(5.76e23); // ≈ 6.75e10, the 67B row of Table 3
 * ```
 */
export function scalingLaw(name: string): ScalingLaw {
  return LAWS[parseLawName(name)];
}

/** `name` as a law's name; a `UserError` listing the choices otherwise. The one check of `--law`. */
export function parseLawName(name: string): LawName {
  if (!(LAW_NAMES as readonly string[]).includes(name)) {
    throw new UserError(`--law: expected one of ${LAW_NAMES.join(", ")}, got '${name}'`);
  }
  return name as LawName;
}
