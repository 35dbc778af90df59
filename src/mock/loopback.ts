// The one test of "this machine" that the mock's closed door uses: which origins may call it from
// a browser, which hosts webhooks may go to, and which plain-http upstreams need no warning.

/**
 * Whether a URL's `hostname` (WHATWG-parsed, so `127.1`, `0x7f.0.0.1` and `LOCALHOST` are already
 * normalised) names this machine: localhost, 127.0.0.0/8 or [::1].
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === "localhost" || host === "[::1]" || /^127(?:\.\d{1,3}){3}$/.test(host);
}
