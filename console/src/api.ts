// The console's only way to the data: the public HTTP API, with the signed-in user's token.
import { localMessage, type Lang } from './i18n.ts';

export interface FieldError {
  path: string;
  message: string;
}

/** A refusal as the API words it: `message` in French then English, or French with `en` beside it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly raw: string,
    readonly en: string | undefined,
    readonly errors: FieldError[],
  ) {
    super(raw);
  }

  text(lang: Lang): string {
    if (lang === 'en' && this.en) return this.en;
    return localMessage(this.raw, lang);
  }
}

let token: string | undefined;

export function setToken(value: string | undefined): void {
  token = value;
}

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = { message: text };
  }
  if (!response.ok) {
    const problem = (parsed ?? {}) as { error?: string; message?: string; en?: string; errors?: FieldError[] };
    throw new ApiError(response.status, problem.error ?? String(response.status), problem.message ?? response.statusText, problem.en, problem.errors ?? []);
  }
  return parsed as T;
}

export const get = <T>(path: string) => request<T>('GET', path);
export const post = <T>(path: string, body: unknown, headers?: Record<string, string>) => request<T>('POST', path, body, headers);

/** A file the API serves to a signed-in user only: fetched with the token, then saved. */
export async function download(path: string, filename: string): Promise<void> {
  const response = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!response.ok) throw new ApiError(response.status, String(response.status), response.statusText, undefined, []);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
