import { checkWithProvider, Lane } from './http.js';
import { PROVIDERS } from './providers/index.js';
import type { ProviderSpec } from './providers/spec.js';
import type { Verification, VerifyCandidate, VerifyContext, Verifier } from './types.js';

export interface ProviderVerifierOptions {
  /** Provider names not to ask (`--validate-skip`). */
  skip?: ReadonlySet<string>;
  /** Requests per second by provider name (`--validate-rate`), over each provider's default. */
  rates?: ReadonlyMap<string, number>;
  providers?: ReadonlyMap<string, ProviderSpec>;
}

const RANK: Record<string, number> = { live: 0, invalid: 1, revoked: 1, unknown: 2, unverified: 3 };

/**
 * Asks each candidate's provider (the rule's `verify:` name), at most once per distinct secret for the
 * life of this object (one run), within each provider's concurrency and rate limits.
 */
export class ProviderVerifier implements Verifier {
  readonly name = 'providers';
  readonly #providers: ReadonlyMap<string, ProviderSpec>;
  readonly #skip: ReadonlySet<string>;
  readonly #rates: ReadonlyMap<string, number>;
  readonly #lanes = new Map<string, Lane>();
  readonly #asked = new Map<string, Promise<Verification>>();

  constructor(options: ProviderVerifierOptions = {}) {
    this.#providers = options.providers ?? PROVIDERS;
    this.#skip = options.skip ?? new Set();
    this.#rates = options.rates ?? new Map();
  }

  appliesTo(candidate: VerifyCandidate): boolean {
    return candidate.verify !== undefined && this.#providers.has(candidate.verify) && !this.#skip.has(candidate.verify);
  }

  async verify(candidates: readonly VerifyCandidate[], context: VerifyContext): Promise<Map<string, Verification>> {
    const pending: [string, Promise<Verification>][] = [];
    for (const candidate of candidates) {
      if (!this.appliesTo(candidate)) continue;
      const spec = this.#providers.get(candidate.verify!)!;
      const key = `${spec.name}\0${candidate.secretSha256}`;
      let asked = this.#asked.get(key);
      if (asked === undefined) {
        asked = checkWithProvider({ spec, candidate, base: this.#baseFor(spec, candidate, context), lane: this.#laneFor(spec), context });
        this.#asked.set(key, asked);
      }
      pending.push([candidate.secretSha256, asked]);
    }
    const out = new Map<string, Verification>();
    for (const [sha, asked] of pending) {
      const result = await asked;
      const earlier = out.get(sha);
      // The same secret under two rules with different providers: the best-proven answer wins.
      if (earlier === undefined || RANK[result.status]! < RANK[earlier.status]!) out.set(sha, result);
    }
    return out;
  }

  #baseFor(spec: ProviderSpec, candidate: VerifyCandidate, context: VerifyContext): string {
    const override = context.endpoints.get(spec.name);
    if (override !== undefined) return override; // checked again per request: a bad one answers unknown, bad-endpoint
    return typeof spec.baseUrl === 'string' ? spec.baseUrl : spec.baseUrl(candidate);
  }

  #laneFor(spec: ProviderSpec): Lane {
    let lane = this.#lanes.get(spec.name);
    if (lane === undefined) {
      lane = new Lane(this.#rates.get(spec.name) ?? spec.limits?.perSecond, spec.limits?.concurrency);
      this.#lanes.set(spec.name, lane);
    }
    return lane;
  }
}
