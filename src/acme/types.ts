/** ACME resources (RFC 8555 7.1, RFC 9773) as the server sends them. */

export interface Directory {
  readonly newNonce: string;
  readonly newAccount: string;
  readonly newOrder: string;
  readonly revokeCert: string;
  readonly keyChange?: string;
  readonly renewalInfo?: string;
  readonly meta?: {
    readonly termsOfService?: string;
    readonly website?: string;
    readonly caaIdentities?: readonly string[];
    readonly externalAccountRequired?: boolean;
  };
}

export interface Identifier {
  readonly type: 'dns' | 'ip';
  readonly value: string;
}

export interface Problem {
  readonly type: string;
  readonly detail?: string;
  readonly status?: number;
  readonly identifier?: Identifier;
  readonly subproblems?: readonly Problem[];
}

export type OrderStatus = 'pending' | 'ready' | 'processing' | 'valid' | 'invalid';

export interface Order {
  readonly status: OrderStatus;
  readonly expires?: string;
  readonly identifiers: readonly Identifier[];
  readonly authorizations: readonly string[];
  readonly finalize: string;
  readonly certificate?: string;
  readonly error?: Problem;
  readonly replaces?: string;
}

export interface Challenge {
  readonly type: string;
  readonly url: string;
  readonly status: 'pending' | 'processing' | 'valid' | 'invalid';
  readonly token: string;
  readonly error?: Problem;
  readonly validated?: string;
}

export interface Authorization {
  readonly status: 'pending' | 'valid' | 'invalid' | 'deactivated' | 'expired' | 'revoked';
  readonly identifier: Identifier;
  readonly challenges: readonly Challenge[];
  readonly wildcard?: boolean;
  readonly expires?: string;
}

export interface Account {
  readonly status: 'valid' | 'deactivated' | 'revoked';
  readonly contact?: readonly string[];
  readonly orders?: string;
}

export interface RenewalInfo {
  readonly suggestedWindow: { readonly start: string; readonly end: string };
  readonly explanationURL?: string;
}
