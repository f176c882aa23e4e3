// The API, as the pages call it: signed in by the session cookie, sending the CSRF token
// with every change, and turning a problem+json answer into an Error with its detail.

let csrf = null;

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.detail || body?.title || `HTTP ${status}`);
    this.status = status;
    this.code = body?.code;
  }
}

async function call(method, path, body, extra = {}) {
  const headers = { accept: "application/json", ...extra };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && csrf) headers["x-csrf-token"] = csrf;
  const response = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return null;
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed;
}

export const api = {
  get: (path) => call("GET", path),
  post: (path, body, headers) => call("POST", path, body ?? {}, headers),
  /** Who is signed in, or null. */
  async me() {
    try {
      const me = await call("GET", "/api/v1/auth/me");
      csrf = me.csrf_token;
      return me;
    } catch (e) {
      if (e.status === 401) return null;
      throw e;
    }
  },
  async signIn(username, password) {
    const answer = await call("POST", "/api/v1/auth/login", { username, password });
    csrf = answer.csrf_token;
    return answer;
  },
  async signOut() {
    await call("POST", "/api/v1/auth/logout", {});
    csrf = null;
  },
};

/** An attachment as the API takes it: the file's name and the SHA-256 of its content (the
 *  file itself is kept where the rules say, not here). */
export async function fileReference(file) {
  const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
  const sha256 = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return { sha256, file_name: file.name };
}

/** A fresh Idempotency-Key header: a retry of the same write stores it once. */
export function once() {
  return { "idempotency-key": crypto.randomUUID() };
}
