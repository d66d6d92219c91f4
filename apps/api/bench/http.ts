/** A plain-fetch tRPC caller for the benchmark: no client library, as any integration would call it. */
export type Http = { base: string; cookie: string };

export async function trpcQuery<T>(http: Http, path: string, input: unknown): Promise<T> {
  const url = `${http.base}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`;
  const response = await fetch(url, { headers: { cookie: http.cookie } });
  const body = (await response.json()) as { result?: { data: T }; error?: unknown };
  if (!response.ok || !body.result)
    throw new Error(`${path} failed: ${response.status} ${JSON.stringify(body.error)}`);
  return body.result.data;
}

export async function trpcMutation<T>(
  http: Http,
  path: string,
  input: unknown,
): Promise<{ data: T; setCookie: string | null }> {
  const response = await fetch(`${http.base}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: http.cookie },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as { result?: { data: T }; error?: unknown };
  if (!response.ok || !body.result)
    throw new Error(`${path} failed: ${response.status} ${JSON.stringify(body.error)}`);
  return { data: body.result.data, setCookie: response.headers.get('set-cookie') };
}
