/**
 * The application Blueprints (slots 36–48): not part of the default kit, installed with
 * `use(...)`, e.g. `new Sovereign({ ..., blueprints: [use(Librechat, { values: {...} })] })`.
 * Keyed by the name a catalog or CLI shows; order here is the slot order.
 */
import { AnthropicAdapter } from './anthropic-adapter';
import { Bge } from './bge';
import { Knative } from './knative';
import { Kserve } from './kserve';
import { Librechat } from './librechat';
import { Livekit } from './livekit';
import { LlmGateway } from './llm-gateway';
import { Matrix } from './matrix';
import { NemoGuardrails } from './nemo-guardrails';
import { Openmeter } from './openmeter';
import { Stunner } from './stunner';
import { Temporal } from './temporal';
import { Vllm } from './vllm';

export const APPLICATIONS = {
  stunner: Stunner,
  knative: Knative,
  kserve: Kserve,
  vllm: Vllm,
  llmGateway: LlmGateway,
  anthropicAdapter: AnthropicAdapter,
  bge: Bge,
  nemoGuardrails: NemoGuardrails,
  temporal: Temporal,
  openmeter: Openmeter,
  livekit: Livekit,
  matrix: Matrix,
  librechat: Librechat,
} as const;

export type ApplicationKey = keyof typeof APPLICATIONS;
