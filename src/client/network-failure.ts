// What a network failure says about itself: fetch throws a bare "fetch failed" and keeps the
// socket's error (ECONNREFUSED, ENOTFOUND, a TLS code) one or two `cause`s deep. This finds the
// code and names the host and the port, so the message alone tells what to fix.

const hints: Record<string, string> = {
  ECONNREFUSED: "connection refused by",
  ENOTFOUND: "no such host:",
  EAI_AGAIN: "the host name could not be resolved (DNS):",
  ETIMEDOUT: "connecting timed out to",
  UND_ERR_CONNECT_TIMEOUT: "connecting timed out to",
  ECONNRESET: "connection reset by",
  EPIPE: "connection closed while sending to",
  UND_ERR_SOCKET: "the connection closed before a complete answer from",
  EHOSTUNREACH: "no route to",
  ENETUNREACH: "no network route to",
};

/** OpenSSL's and Node's TLS error codes (certificate checks, handshake failures). */
const tlsCode = /^(ERR_SSL_|ERR_TLS_|ERR_OSSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;

/** E.g. "connection refused by 127.0.0.1:4010 (ECONNREFUSED)". */
export function describeNetworkFailure(url: string, error: unknown): string {
  const target = hostAndPort(url);
  const code = errorCode(error, 0);
  if (code === undefined) return `could not reach ${target} (no error code)`;
  const hint = hints[code] ?? (tlsCode.test(code) ? "TLS failed with" : "could not reach");
  return `${hint} ${target} (${code})`;
}

function hostAndPort(url: string): string {
  const { hostname, port, protocol } = new URL(url);
  return `${hostname}:${port || (protocol === "https:" ? "443" : "80")}`;
}

/** The first error code along the `cause` chain (and inside an AggregateError, as Node's happy eyeballs throws). */
function errorCode(error: unknown, depth: number): string | undefined {
  if (typeof error !== "object" || error === null || depth > 5) return undefined;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  // Only a code-shaped value is quoted: a custom fetch may put anything on its errors.
  if (typeof code === "string" && /^[A-Z][A-Z0-9_]{1,63}$/.test(code)) return code;
  for (const inner of [cause, ...(Array.isArray(errors) ? errors : [])]) {
    const found = errorCode(inner, depth + 1);
    if (found) return found;
  }
  return undefined;
}
