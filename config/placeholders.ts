/**
 * Recognises credential values that are obviously not real (backlog B4.5: "fail on
 * placeholder keys"). The value itself is never echoed by callers.
 */
const PLACEHOLDER_PATTERNS: readonly RegExp[] = [
  /^your[\s_-]*(api)?[\s_-]*(key|secret)?/i,
  /^change[\s_-]*me/i,
  /^x{3,}/i,
  /^<.*>$/,
  /^\$\{.*\}$/,
  /^\*+$/,
  /^\.+$/,
  /^(placeholder|replace[\s_-]*me|todo|tbd|none|null|undefined|secret|api[\s_-]*key|api[\s_-]*secret|key|test|example|dummy|fake)$/i,
];

export type CredentialProblem = 'empty' | 'placeholder' | 'malformed';

export function credentialProblem(value: string | undefined, kind: 'key' | 'secret'): CredentialProblem | null {
  const text = (value ?? '').trim();
  if (text.length === 0) return 'empty';
  if (PLACEHOLDER_PATTERNS.some((p) => p.test(text))) return 'placeholder';
  if (/\s/.test(text)) return 'malformed';
  // Bybit HMAC keys are 18 characters and secrets 36; RSA secrets are PEM text. Anything
  // much shorter is a typo or a truncated paste.
  if (kind === 'key' && !/^[A-Za-z0-9]{10,64}$/.test(text)) return 'malformed';
  if (kind === 'secret' && text.length < 16) return 'malformed';
  return null;
}

export function describeCredentialProblem(problem: CredentialProblem, envName: string): string {
  switch (problem) {
    case 'empty':
      return `required in live mode; set ${envName} (value not shown)`;
    case 'placeholder':
      return `is a placeholder, not a real credential; set ${envName} (value not shown)`;
    case 'malformed':
      return `does not look like a Bybit credential (wrong length or characters); check ${envName} (value not shown)`;
  }
}
