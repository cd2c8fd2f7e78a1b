// The absolute URL of a request, as the function sees it in `request.url`: the scheme and Host header the
// client used (the host builds it the same way), the raw path and query. A path in absolute form or a
// Host header that is not a host[:port] is refused; the path is never resolved against another origin.

const hostHeaderPattern = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

export function requestUrl(rawUrl: string | undefined, hostHeader: string | undefined, fallbackHost: string): URL | undefined {
  const host = hostHeader && hostHeaderPattern.test(hostHeader) ? hostHeader : fallbackHost;
  if (!rawUrl || !rawUrl.startsWith("/")) return undefined;
  try {
    const url = new URL(`http://${host}${rawUrl}`);
    return url;
  } catch {
    return undefined;
  }
}
