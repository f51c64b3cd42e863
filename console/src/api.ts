// The console's only way to the data: the public HTTP API, with the signed-in user's token.
import { say, type Lang, type Said } from './i18n.ts';

export interface FieldError {
  path: string;
  message: string;
}

/**
 * A refusal as the API words it: `{error: CODE, message, fr, en, ...details}`, read in the page's
 * language. A body without `fr` shows its `message` whole (see `say`).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly words: Said,
    readonly errors: FieldError[],
  ) {
    super(words.message ?? words.fr ?? code);
  }

  text(lang: Lang): string {
    return say(this.words, lang) || this.code;
  }
}

/** What went wrong, for a page to show: the API's words in the reader's language, or the error's message. */
export function problemText(error: Error, lang: Lang): string {
  return error instanceof ApiError ? error.text(lang) : error.message;
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
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = { message: text };
  }
  if (!response.ok) {
    const problem = (parsed ?? {}) as Said & { error?: string; errors?: FieldError[] };
    const words: Said = { fr: problem.fr, en: problem.en, message: problem.message ?? response.statusText };
    throw new ApiError(response.status, problem.error ?? String(response.status), words, problem.errors ?? []);
  }
  return parsed as T;
}

export const get = <T>(path: string) => request<T>('GET', path);
export const post = <T>(path: string, body: unknown, headers?: Record<string, string>) => request<T>('POST', path, body, headers);

/** A file the API serves to a signed-in user only: fetched with the token, then saved. */
export async function download(path: string, filename: string): Promise<void> {
  const response = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!response.ok) throw new ApiError(response.status, String(response.status), { message: response.statusText }, []);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
