import type { Role } from '@estate/contracts';

/** Who is calling: resolved from the API key, never from the request body. */
export interface Principal {
  tenantId: string;
  role: Role;
  keyId: string;
}
