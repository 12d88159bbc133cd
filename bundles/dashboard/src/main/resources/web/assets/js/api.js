// The control plane's API (docs/protocol.md, "Accounts, sessions and the dashboard API") as the dashboard calls it: same-origin JSON with the session
// cookie, and the CSRF token from sign-in (kept in memory only) on every state-changing request.

/** The signed-in account and its CSRF token; null when signed out. */
export const session = { account: null, csrf: null };

const listeners = new Set();

/** Called with no argument when a request finds the session gone (expired, signed out elsewhere). */
export function onSessionLost(f) {
  listeners.add(f);
}

export function signedIn(answer) {
  session.account = answer.account;
  session.csrf = answer.csrf_token;
}

export function signedOut() {
  session.account = null;
  session.csrf = null;
}

export class ApiError extends Error {
  constructor(status, code, message, retryAfter) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Request headers for a call: JSON, and X-CSRF-Token on a state-changing one. */
export function headers(method, json) {
  const hs = { Accept: 'application/json' };
  if (json) {
    hs['Content-Type'] = 'application/json';
  }
  if (UNSAFE.has(method) && session.csrf) {
    hs['X-CSRF-Token'] = session.csrf;
  }
  return hs;
}

/** The error of a failed answer: the API's envelope ({error, message}) or the OpenAI-style one. */
export async function errorOf(response) {
  let code = `http_${response.status}`;
  let message = `${response.status} ${response.statusText}`.trim();
  try {
    const body = await response.json();
    if (body && typeof body.error === 'object' && body.error !== null) {
      code = body.error.code ?? body.error.type ?? code;
      message = body.error.message ?? message;
    } else if (body) {
      code = body.error ?? code;
      message = body.message ?? body.error_message ?? body.error ?? message;
    }
  } catch {
    // not JSON: keep the status line
  }
  const retry = response.headers.get('Retry-After');
  return new ApiError(response.status, code, String(message), retry ? Number(retry) : undefined);
}

/**
 * One call; resolves with the parsed JSON body, rejects with an ApiError. A 401 on anything but the sign-in
 * calls means the session is gone: the listeners hear of it.
 */
export async function call(method, path, body) {
  const json = body !== undefined;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: headers(method, json),
      body: json ? JSON.stringify(body) : undefined,
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, 'network', `The control plane did not answer (${e.message}).`);
  }
  if (!response.ok) {
    const error = await errorOf(response);
    if (response.status === 401 && session.account && !path.startsWith('/api/v1/auth/')) {
      signedOut();
      listeners.forEach((f) => f(error));
    }
    throw error;
  }
  if (response.status === 204) {
    return {};
  }
  return response.json();
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body ?? {});
export const put = (path, body) => call('PUT', path, body);
export const del = (path) => call('DELETE', path);

/** A path segment from data (an id), encoded. */
export const seg = (s) => encodeURIComponent(String(s));
